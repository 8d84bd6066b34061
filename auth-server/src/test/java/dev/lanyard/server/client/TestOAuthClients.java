package dev.lanyard.server.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.lanyard.server.token.TokenHash;

/**
 * {@link OAuthClient}s for tests: a valid client by default, changed with the builder's
 * setters.
 */
public final class TestOAuthClients {

	/** When the test clients were registered (to the microsecond, as stored). */
	public static final Instant ISSUED_AT = Instant.parse("2025-03-04T05:06:07.123456Z");

	private TestOAuthClients() {
	}

	/**
	 * A confidential client of the authorization code flow, secret {@code <id>-secret}.
	 */
	public static Builder confidential(String clientId) {
		return new Builder(clientId).secretHash(TokenHash.of(clientId + "-secret"))
			.tokenEndpointAuthMethod(OAuthClient.AUTH_CLIENT_SECRET_BASIC);
	}

	/** A public client of the authorization code flow (PKCE, no secret). */
	public static Builder publicClient(String clientId) {
		return new Builder(clientId).secretHash(null).tokenEndpointAuthMethod(OAuthClient.AUTH_NONE);
	}

	/** Builds an {@link OAuthClient}. */
	public static final class Builder {

		private String id = UUID.randomUUID().toString();

		private final String clientId;

		private String clientName;

		private String secretHash;

		private Instant issuedAt = ISSUED_AT;

		private String tokenEndpointAuthMethod;

		private List<String> redirectUris;

		private List<String> postLogoutRedirectUris = List.of();

		private Set<String> grantTypes = Set.of("authorization_code", "refresh_token");

		private Set<String> scopes = Set.of("openid", "profile");

		private boolean requirePkce = true;

		private boolean requireConsent;

		private Duration accessTokenTtl = Duration.ofMinutes(15);

		private Duration refreshTokenIdle = Duration.ofHours(8);

		private Duration refreshTokenMax = Duration.ofDays(30);

		private List<String> exchangeAudiences = List.of();

		private boolean introspectionAllowed;

		private boolean dpopBoundAccessTokens;

		private boolean enabled = true;

		private Builder(String clientId) {
			this.clientId = clientId;
			this.clientName = clientId;
			this.redirectUris = List.of("https://" + clientId + ".example.com/callback");
		}

		public Builder id(String id) {
			this.id = id;
			return this;
		}

		public Builder name(String clientName) {
			this.clientName = clientName;
			return this;
		}

		public Builder secretHash(String secretHash) {
			this.secretHash = secretHash;
			return this;
		}

		public Builder issuedAt(Instant issuedAt) {
			this.issuedAt = issuedAt;
			return this;
		}

		public Builder tokenEndpointAuthMethod(String method) {
			this.tokenEndpointAuthMethod = method;
			return this;
		}

		public Builder redirectUris(String... uris) {
			this.redirectUris = List.of(uris);
			return this;
		}

		public Builder postLogoutRedirectUris(String... uris) {
			this.postLogoutRedirectUris = List.of(uris);
			return this;
		}

		public Builder grantTypes(String... grantTypes) {
			this.grantTypes = Set.of(grantTypes);
			return this;
		}

		public Builder scopes(String... scopes) {
			this.scopes = Set.of(scopes);
			return this;
		}

		public Builder requirePkce(boolean requirePkce) {
			this.requirePkce = requirePkce;
			return this;
		}

		public Builder requireConsent(boolean requireConsent) {
			this.requireConsent = requireConsent;
			return this;
		}

		public Builder tokenLifetimes(Duration accessToken, Duration refreshTokenIdle, Duration refreshTokenMax) {
			this.accessTokenTtl = accessToken;
			this.refreshTokenIdle = refreshTokenIdle;
			this.refreshTokenMax = refreshTokenMax;
			return this;
		}

		public Builder exchangeAudiences(String... audiences) {
			this.exchangeAudiences = List.of(audiences);
			return this;
		}

		public Builder introspectionAllowed(boolean introspectionAllowed) {
			this.introspectionAllowed = introspectionAllowed;
			return this;
		}

		public Builder dpopBoundAccessTokens(boolean dpopBoundAccessTokens) {
			this.dpopBoundAccessTokens = dpopBoundAccessTokens;
			return this;
		}

		public Builder enabled(boolean enabled) {
			this.enabled = enabled;
			return this;
		}

		/** The client; its creation and change times are the database's to set. */
		public OAuthClient build() {
			return new OAuthClient(this.id, this.clientId, this.clientName, null, this.secretHash, this.issuedAt,
					this.tokenEndpointAuthMethod, null, null, this.redirectUris, this.postLogoutRedirectUris,
					this.grantTypes, this.scopes, this.requirePkce, this.requireConsent, this.accessTokenTtl,
					this.refreshTokenIdle, this.refreshTokenMax, this.exchangeAudiences, this.introspectionAllowed,
					false, this.dpopBoundAccessTokens, false, null, false, this.enabled, null, null);
		}

	}

}
