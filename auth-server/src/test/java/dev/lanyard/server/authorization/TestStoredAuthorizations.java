package dev.lanyard.server.authorization;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.lanyard.server.authorization.StoredAuthorization.StoredToken;
import dev.lanyard.server.token.TokenHash;

/**
 * {@link StoredAuthorization} rows for tests: a grant of an authorization code flow, with
 * the tokens the test gives it. Token values are given in clear and stored as their
 * {@link TokenHash}, as the server stores them.
 */
public final class TestStoredAuthorizations {

	/** Token metadata as the codec writes it for a token not revoked. */
	public static final String METADATA = "{\"metadata.token.invalidated\": false}";

	/** Token metadata of a revoked token. */
	public static final String INVALIDATED = "{\"metadata.token.invalidated\": true}";

	private TestStoredAuthorizations() {
	}

	/** A grant of client {@code client-1} to {@code user-1} without tokens yet. */
	public static Builder grant(Instant createdAt) {
		return new Builder(createdAt);
	}

	/** A builder of the given row, to change some of it (a new version, say). */
	public static Builder from(StoredAuthorization stored) {
		Builder builder = new Builder(stored.createdAt());
		builder.id = stored.id();
		builder.registeredClientId = stored.registeredClientId();
		builder.principalName = stored.principalName();
		builder.grantType = stored.grantType();
		builder.authorizedScopes = stored.authorizedScopes();
		builder.attributes = stored.attributes();
		builder.sessionId = stored.sessionId();
		builder.stateHash = stored.stateHash();
		builder.code = stored.code();
		builder.accessToken = stored.accessToken();
		builder.accessTokenScopes = stored.accessTokenScopes();
		builder.refreshToken = stored.refreshToken();
		builder.idToken = stored.idToken();
		builder.deviceCode = stored.deviceCode();
		builder.userCode = stored.userCode();
		builder.version = stored.version();
		return builder;
	}

	/** The hash a token value is stored and looked up by. */
	public static String hash(String value) {
		return TokenHash.of(value);
	}

	/** A token issued an hour before it expires. */
	public static StoredToken token(String value, Instant expiresAt) {
		return new StoredToken(hash(value), expiresAt.minus(Duration.ofHours(1)), expiresAt, METADATA);
	}

	/** A revoked token issued an hour before it expires. */
	public static StoredToken revoked(String value, Instant expiresAt) {
		return new StoredToken(hash(value), expiresAt.minus(Duration.ofHours(1)), expiresAt, INVALIDATED);
	}

	/** Builds a {@link StoredAuthorization}. */
	public static final class Builder {

		private String id = UUID.randomUUID().toString();

		private String registeredClientId = "client-1";

		private String principalName = "user-1";

		private String grantType = "authorization_code";

		private String authorizedScopes = "openid profile";

		private String attributes = "{}";

		private String sessionId;

		private String stateHash;

		private StoredToken code;

		private StoredToken accessToken;

		private String accessTokenScopes;

		private StoredToken refreshToken;

		private StoredToken idToken;

		private StoredToken deviceCode;

		private StoredToken userCode;

		private long version;

		private final Instant createdAt;

		private Builder(Instant createdAt) {
			this.createdAt = createdAt;
		}

		public Builder id(String id) {
			this.id = id;
			return this;
		}

		public Builder client(String registeredClientId) {
			this.registeredClientId = registeredClientId;
			return this;
		}

		public Builder principal(String principalName) {
			this.principalName = principalName;
			return this;
		}

		public Builder grantType(String grantType) {
			this.grantType = grantType;
			return this;
		}

		public Builder scopes(String authorizedScopes) {
			this.authorizedScopes = authorizedScopes;
			return this;
		}

		public Builder attributes(String json) {
			this.attributes = json;
			return this;
		}

		public Builder session(String sessionId) {
			this.sessionId = sessionId;
			return this;
		}

		/** The consent state, stored as its hash. */
		public Builder state(String value) {
			this.stateHash = (value != null) ? hash(value) : null;
			return this;
		}

		public Builder code(StoredToken code) {
			this.code = code;
			return this;
		}

		public Builder accessToken(StoredToken accessToken) {
			this.accessToken = accessToken;
			this.accessTokenScopes = (accessToken != null) ? this.authorizedScopes : null;
			return this;
		}

		public Builder accessTokenScopes(String scopes) {
			this.accessTokenScopes = scopes;
			return this;
		}

		public Builder refreshToken(StoredToken refreshToken) {
			this.refreshToken = refreshToken;
			return this;
		}

		public Builder idToken(StoredToken idToken) {
			this.idToken = idToken;
			return this;
		}

		public Builder deviceCode(StoredToken deviceCode) {
			this.deviceCode = deviceCode;
			return this;
		}

		public Builder userCode(StoredToken userCode) {
			this.userCode = userCode;
			return this;
		}

		public Builder version(long version) {
			this.version = version;
			return this;
		}

		public StoredAuthorization build() {
			return new StoredAuthorization(this.id, this.registeredClientId, this.principalName, this.grantType,
					this.authorizedScopes, this.attributes, this.sessionId, this.stateHash, this.code, this.accessToken,
					this.accessTokenScopes, this.refreshToken, this.idToken, this.deviceCode, this.userCode,
					this.version, this.createdAt);
		}

	}

}
