package dev.lanyard.server.key;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * {@link SigningKey} rows for tests. The JWK and the sealed private part are stand-ins:
 * the repository stores them as given and never reads them.
 */
public final class TestSigningKeys {

	/** When the test keys were created (to the microsecond, as stored). */
	public static final Instant CREATED_AT = Instant.parse("2025-03-04T05:06:07.123456Z");

	private TestSigningKeys() {
	}

	/** A key published ahead of use. */
	public static Builder next(String kid) {
		return new Builder(kid, SigningKey.State.NEXT);
	}

	/** The key that signs, active since its creation. */
	public static Builder active(String kid) {
		return new Builder(kid, SigningKey.State.ACTIVE).activatedAt(CREATED_AT);
	}

	/** Builds a {@link SigningKey}. */
	public static final class Builder {

		private final String kid;

		private final SigningKey.State state;

		private Instant createdAt = CREATED_AT;

		private Instant activatedAt;

		private Builder(String kid, SigningKey.State state) {
			this.kid = kid;
			this.state = state;
		}

		public Builder createdAt(Instant createdAt) {
			this.createdAt = createdAt;
			return this;
		}

		public Builder activatedAt(Instant activatedAt) {
			this.activatedAt = activatedAt;
			return this;
		}

		public SigningKey build() {
			String jwk = "{\"kty\":\"RSA\",\"kid\":\"" + this.kid
					+ "\",\"alg\":\"RS256\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";
			byte[] sealed = ("sealed:" + this.kid + ":\u0000\u00ff").getBytes(StandardCharsets.ISO_8859_1);
			return new SigningKey(this.kid, "RS256", this.state, jwk, sealed, this.createdAt, this.activatedAt, null,
					null);
		}

	}

}
