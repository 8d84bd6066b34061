package dev.lanyard.server.key;

import java.time.Instant;

/**
 * A token signing key as stored: its public JWK, and the sealed private part.
 *
 * @param kid the key id (RFC 7638 thumbprint)
 * @param algorithm the JWS algorithm, e.g. {@code RS256}
 * @param state {@code next}, {@code active} or {@code retired}
 * @param publicJwk the public key as JWK JSON
 * @param sealedPrivateKey the PKCS#8 private key sealed with the master key
 * @param createdAt when the key was generated
 * @param activatedAt when it began signing; {@code null} while next
 * @param retiredAt when it stopped signing; {@code null} unless retired
 * @param activateAfter for a next key a rotation was asked for: when it starts signing;
 * {@code null} otherwise
 */
public record SigningKey(String kid, String algorithm, State state, String publicJwk, byte[] sealedPrivateKey,
		Instant createdAt, Instant activatedAt, Instant retiredAt, Instant activateAfter) {

	/** Where a key is in its life. */
	public enum State {

		/**
		 * Published in the JWKS ahead of use, so verifiers know it before the first
		 * token.
		 */
		NEXT,
		/** Signs every new token. */
		ACTIVE,
		/** No longer signs; stays published until every token it signed has expired. */
		RETIRED;

		public String dbValue() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

		public static State fromDb(String value) {
			return valueOf(value.toUpperCase(java.util.Locale.ROOT));
		}

	}

}
