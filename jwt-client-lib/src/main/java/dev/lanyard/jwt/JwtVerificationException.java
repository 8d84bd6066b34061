package dev.lanyard.jwt;

import java.util.Objects;

/**
 * The failure of {@link JwtVerifier#verify(String)}: the token must not be trusted.
 *
 * <p>
 * The {@link #reason() reason} is a stable code a service can log and count; the filters
 * answer every reason with HTTP 401 and
 * {@code WWW-Authenticate: Bearer error="invalid_token"} (RFC 6750 §3.1), but
 * {@code jwks_unavailable}: 503 with {@code Retry-After} (the token could not be checked;
 * it may be good). The message is safe to log: it never contains the token nor any value
 * taken from it.
 */
public final class JwtVerificationException extends Exception {

	private static final long serialVersionUID = 1L;

	/** Why a token was rejected. {@link #code()} is the stable, log-friendly form. */
	public enum Reason {

		/**
		 * Not a compact JWS of three base64url parts with JSON objects, or longer than
		 * the cap.
		 */
		MALFORMED("malformed"),
		/**
		 * {@code alg} is not on the allow-list ({@code none}, HMAC, JWE and unlisted
		 * algorithms).
		 */
		UNSUPPORTED_ALGORITHM("unsupported_algorithm"),
		/**
		 * A header Lanyard never honours: {@code crit}, {@code b64}, {@code jku},
		 * {@code x5u}, {@code jwk}, {@code x5c}.
		 */
		UNSUPPORTED_HEADER("unsupported_header"),
		/**
		 * {@code typ} is missing or not an accepted type such as {@code at+jwt} (RFC 9068
		 * §4).
		 */
		WRONG_TYPE("wrong_type"),
		/** No key in the JWKS matches the token's {@code kid} and algorithm. */
		UNKNOWN_KEY("unknown_key"),
		/** The JWKS could not be loaded and no keys are cached. */
		JWKS_UNAVAILABLE("jwks_unavailable"),
		/** The signature does not verify with the selected key. */
		BAD_SIGNATURE("bad_signature"),
		/**
		 * {@code iss} differs from the configured issuer (exact string match, RFC 8725
		 * §3.8).
		 */
		WRONG_ISSUER("wrong_issuer"),
		/** {@code aud} is not exactly the configured audience (RFC 8725 §3.9). */
		WRONG_AUDIENCE("wrong_audience"),
		/** {@code exp} is in the past beyond the allowed clock skew (RFC 7519 §4.1.4). */
		EXPIRED("expired"),
		/**
		 * {@code nbf} or {@code iat} is in the future beyond the allowed clock skew (RFC
		 * 7519 §4.1.5, §4.1.6).
		 */
		NOT_YET_VALID("not_yet_valid"),
		/** A required claim ({@code iss, sub, aud, exp, iat, jti}) is absent. */
		MISSING_CLAIM("missing_claim"),
		/**
		 * A claim has the wrong JSON type or an out-of-range value, e.g. a lifetime above
		 * the maximum.
		 */
		INVALID_CLAIM("invalid_claim");

		private final String code;

		Reason(String code) {
			this.code = code;
		}

		/**
		 * Returns the stable, lower-case code of this reason, such as {@code expired}.
		 * @return the code, never {@code null}
		 */
		public String code() {
			return this.code;
		}

	}

	private final Reason reason;

	/**
	 * Creates an exception.
	 * @param reason the reason, not {@code null}
	 * @param message a message that contains no token content, not {@code null}
	 */
	public JwtVerificationException(Reason reason, String message) {
		super(message);
		this.reason = Objects.requireNonNull(reason, "reason");
	}

	/**
	 * Creates an exception with a cause.
	 * @param reason the reason, not {@code null}
	 * @param message a message that contains no token content, not {@code null}
	 * @param cause the cause, may be {@code null}
	 */
	public JwtVerificationException(Reason reason, String message, Throwable cause) {
		super(message, cause);
		this.reason = Objects.requireNonNull(reason, "reason");
	}

	/**
	 * Returns why the token was rejected.
	 * @return the reason, never {@code null}
	 */
	public Reason reason() {
		return this.reason;
	}

	@Override
	public String toString() {
		return "JwtVerificationException[" + this.reason.code() + "]: " + getMessage();
	}

}
