package dev.lanyard.server.login;

import java.io.Serial;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * The password was right and the person has a second factor: the sign-in is not done. It
 * is thrown from the password check itself, so nothing is ever saved as signed in with
 * the password alone (were the check for a second factor to fail, the sign-in fails).
 */
final class SecondFactorRequiredException extends AuthenticationException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final transient Authentication passwordSignIn;

	SecondFactorRequiredException(Authentication passwordSignIn) {
		super("A second factor is required");
		this.passwordSignIn = passwordSignIn;
	}

	Authentication passwordSignIn() {
		return this.passwordSignIn;
	}

}
