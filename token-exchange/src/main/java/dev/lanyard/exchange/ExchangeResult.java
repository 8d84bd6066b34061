package dev.lanyard.exchange;

import java.time.Instant;

/**
 * What an exchange of an opaque token came to. Immutable.
 */
public sealed interface ExchangeResult {

	/**
	 * The authorization server issued an internal JWT.
	 *
	 * @param jwt the compact JWT, to forward as {@code Authorization: Bearer}
	 * @param expiresAt its expiry
	 * @param dpopThumbprint the JWK thumbprint of the DPoP key the opaque token is bound
	 * to (the JWT's {@code cnf.jkt}, RFC 9449 §6.1), or {@code null} for a bearer token
	 */
	record Exchanged(String jwt, Instant expiresAt, String dpopThumbprint) implements ExchangeResult {

		/** A JWT for a bearer token. */
		public Exchanged(String jwt, Instant expiresAt) {
			this(jwt, expiresAt, null);
		}

		@Override
		public String toString() {
			return "Exchanged[expiresAt=" + this.expiresAt + ", dpopThumbprint=" + this.dpopThumbprint + "]";
		}

	}

	/**
	 * The authorization server refused the token (unknown, expired, revoked, not a
	 * user's).
	 *
	 * @param error the OAuth error code, e.g. {@code invalid_grant}
	 */
	record Rejected(String error) implements ExchangeResult {
	}

	/**
	 * The authorization server could not be asked (down, timing out, answering 5xx). Not
	 * the token's fault: callers answer 503, not 401.
	 *
	 * @param reason a short description for logs; never contains the token
	 */
	record Unavailable(String reason) implements ExchangeResult {
	}

}
