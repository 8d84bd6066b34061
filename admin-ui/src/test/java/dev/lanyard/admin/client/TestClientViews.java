package dev.lanyard.admin.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** {@link ClientView} fixtures: a builder with the defaults of a typical web app. */
public final class TestClientViews {

	public static final Instant REGISTERED_AT = Instant.parse("2026-03-01T09:30:00Z");

	private TestClientViews() {
	}

	/** A confidential authorization-code client with one redirect URI. */
	public static Builder confidentialClient(String clientId) {
		return new Builder(clientId);
	}

	/** A public client (a single-page app): no secret, PKCE. */
	public static Builder publicClient(String clientId) {
		return new Builder(clientId).publicClient(true).redirectUris("http://127.0.0.1:8765/callback");
	}

	/** Builds {@link ClientView}s. */
	public static final class Builder {

		private final String clientId;

		private String clientName;

		private boolean publicClient;

		private List<String> redirectUris = List.of("https://app.example/callback");

		private List<String> postLogoutRedirectUris = List.of();

		private List<String> grantTypes = List.of("authorization_code", "refresh_token");

		private List<String> scopes = List.of("email", "openid", "profile");

		private boolean requirePkce = true;

		private boolean requireConsent;

		private final Duration accessTokenTtl = Duration.ofMinutes(15);

		private final Duration refreshTokenIdle = Duration.ofHours(8);

		private final Duration refreshTokenMax = Duration.ofDays(30);

		private List<String> exchangeAudiences = List.of();

		private boolean introspectionAllowed;

		private boolean dpopBoundAccessTokens;

		private boolean requireMfa;

		private boolean enabled = true;

		private String tokenEndpointAuthMethod;

		private Builder(String clientId) {
			this.clientId = clientId;
			this.clientName = "Client " + clientId;
		}

		public Builder clientName(String clientName) {
			this.clientName = clientName;
			return this;
		}

		/**
		 * How it authenticates; unset: {@code none} for a public client, else a secret.
		 */
		public Builder tokenEndpointAuthMethod(String tokenEndpointAuthMethod) {
			this.tokenEndpointAuthMethod = tokenEndpointAuthMethod;
			return this;
		}

		public Builder publicClient(boolean publicClient) {
			this.publicClient = publicClient;
			return this;
		}

		public Builder redirectUris(String... redirectUris) {
			this.redirectUris = List.of(redirectUris);
			return this;
		}

		public Builder postLogoutRedirectUris(String... postLogoutRedirectUris) {
			this.postLogoutRedirectUris = List.of(postLogoutRedirectUris);
			return this;
		}

		public Builder grantTypes(String... grantTypes) {
			this.grantTypes = List.of(grantTypes);
			return this;
		}

		public Builder scopes(String... scopes) {
			this.scopes = List.of(scopes);
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

		public Builder exchangeAudiences(String... exchangeAudiences) {
			this.exchangeAudiences = List.of(exchangeAudiences);
			return this;
		}

		public Builder introspectionAllowed(boolean introspectionAllowed) {
			this.introspectionAllowed = introspectionAllowed;
			return this;
		}

		public Builder requireMfa(boolean requireMfa) {
			this.requireMfa = requireMfa;
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

		public ClientView build() {
			return new ClientView(this.clientId, this.clientName, null, this.publicClient,
					(this.tokenEndpointAuthMethod != null) ? this.tokenEndpointAuthMethod
							: this.publicClient ? "none" : "client_secret_basic",
					null, null, this.redirectUris, this.postLogoutRedirectUris, this.grantTypes, this.scopes,
					this.requirePkce, this.requireConsent, this.accessTokenTtl, this.refreshTokenIdle,
					this.refreshTokenMax, this.exchangeAudiences, this.introspectionAllowed, false,
					this.dpopBoundAccessTokens, this.requireMfa, null, false, this.enabled, REGISTERED_AT,
					REGISTERED_AT);
		}

	}

}
