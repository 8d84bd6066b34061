package dev.lanyard.jwt.security;

import java.util.Objects;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

import dev.lanyard.jwt.JwtVerificationException;
import dev.lanyard.jwt.JwtVerifier;

/**
 * Authenticates a {@link LanyardBearerToken} with the library's {@link JwtVerifier}: the
 * same strict checks as without Spring Security (nothing of Spring's own JWT support is
 * involved), and a {@link LanyardAuthentication} when they pass.
 */
public final class LanyardJwtAuthenticationProvider implements AuthenticationProvider {

	private final JwtVerifier verifier;

	/**
	 * @param verifier the verifier, not {@code null}
	 */
	public LanyardJwtAuthenticationProvider(JwtVerifier verifier) {
		this.verifier = Objects.requireNonNull(verifier, "verifier");
	}

	/**
	 * @throws InvalidLanyardTokenException when the token fails verification
	 */
	@Override
	public Authentication authenticate(Authentication authentication) {
		String token = ((LanyardBearerToken) authentication).token();
		try {
			return new LanyardAuthentication(this.verifier.verify(token));
		}
		catch (JwtVerificationException ex) {
			throw new InvalidLanyardTokenException(ex);
		}
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return LanyardBearerToken.class.isAssignableFrom(authentication);
	}

	/**
	 * A bearer token that failed verification; the message is the rule that failed, never
	 * a value from the token.
	 */
	public static final class InvalidLanyardTokenException extends AuthenticationException {

		private static final long serialVersionUID = 1L;

		private final String reasonCode;

		InvalidLanyardTokenException(JwtVerificationException cause) {
			super(cause.getMessage(), cause);
			this.reasonCode = cause.reason().code();
		}

		/** The verifier's reason code, e.g. {@code expired}. */
		public String reasonCode() {
			return this.reasonCode;
		}

	}

}
