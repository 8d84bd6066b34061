package dev.lanyard.server.login;

import org.springframework.security.core.AuthenticationException;

/** Too many password checks for this account or address in the current window. */
public class LoginThrottledException extends AuthenticationException {

	private static final long serialVersionUID = 1L;

	public LoginThrottledException() {
		super("Too many sign-in attempts");
	}

}
