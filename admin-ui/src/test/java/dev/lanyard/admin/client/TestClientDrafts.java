package dev.lanyard.admin.client;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** {@link ClientDraft} fixtures: a builder that starts from a client as it is. */
public final class TestClientDrafts {

	private TestClientDrafts() {
	}

	/**
	 * A draft asking for {@code client} as it is: saving it unchanged, or registering a
	 * client like it.
	 */
	public static Builder from(ClientView client) {
		return new Builder(client);
	}

	/** Builds {@link ClientDraft}s. */
	public static final class Builder {

		private final String clientId;

		private String clientName;

		private boolean publicClient;

		private List<String> redirectUris;

		private List<String> postLogoutRedirectUris;

		private Set<String> grantTypes;

		private Set<String> scopes;

		private Boolean requirePkce;

		private Boolean requireConsent;

		private final Duration accessTokenTtl;

		private List<String> exchangeAudiences;

		private Boolean introspectionAllowed;

		private Boolean dpopBoundAccessTokens;

		private Boolean requireMfa;

		private Boolean enabled = true;

		private String tokenEndpointAuthMethod;

		private String jwks;

		private String jwksUri;

		private Builder(ClientView client) {
			this.clientId = client.clientId();
			this.clientName = client.clientName();
			this.publicClient = client.publicClient();
			this.redirectUris = client.redirectUris();
			this.postLogoutRedirectUris = client.postLogoutRedirectUris();
			this.grantTypes = Set.copyOf(client.grantTypes());
			this.scopes = Set.copyOf(client.scopes());
			this.requirePkce = client.requirePkce();
			this.requireConsent = client.requireConsent();
			this.accessTokenTtl = client.accessTokenTtl();
			this.exchangeAudiences = client.exchangeAudiences();
			this.introspectionAllowed = client.introspectionAllowed();
			this.dpopBoundAccessTokens = client.dpopBoundAccessTokens();
			this.requireMfa = client.requireMfa();
			this.enabled = client.enabled();
		}

		public Builder clientName(String clientName) {
			this.clientName = clientName;
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
			this.grantTypes = Set.of(grantTypes);
			return this;
		}

		public Builder scopes(String... scopes) {
			this.scopes = Set.of(scopes);
			return this;
		}

		public Builder requirePkce(Boolean requirePkce) {
			this.requirePkce = requirePkce;
			return this;
		}

		public Builder requireConsent(Boolean requireConsent) {
			this.requireConsent = requireConsent;
			return this;
		}

		public Builder exchangeAudiences(String... exchangeAudiences) {
			this.exchangeAudiences = List.of(exchangeAudiences);
			return this;
		}

		public Builder introspectionAllowed(Boolean introspectionAllowed) {
			this.introspectionAllowed = introspectionAllowed;
			return this;
		}

		public Builder enabled(Boolean enabled) {
			this.enabled = enabled;
			return this;
		}

		public Builder requireMfa(Boolean requireMfa) {
			this.requireMfa = requireMfa;
			return this;
		}

		public Builder dpopBoundAccessTokens(Boolean dpopBoundAccessTokens) {
			this.dpopBoundAccessTokens = dpopBoundAccessTokens;
			return this;
		}

		public Builder tokenEndpointAuthMethod(String tokenEndpointAuthMethod) {
			this.tokenEndpointAuthMethod = tokenEndpointAuthMethod;
			return this;
		}

		public Builder jwks(String jwks) {
			this.jwks = jwks;
			return this;
		}

		public Builder jwksUri(String jwksUri) {
			this.jwksUri = jwksUri;
			return this;
		}

		public ClientDraft build() {
			return new ClientDraft(this.clientId, this.clientName, null, this.publicClient, null,
					this.tokenEndpointAuthMethod, this.jwks, this.jwksUri, this.redirectUris,
					this.postLogoutRedirectUris, this.grantTypes, this.scopes, this.requirePkce, this.requireConsent,
					this.accessTokenTtl, null, null, this.exchangeAudiences, this.introspectionAllowed, null,
					this.dpopBoundAccessTokens, this.requireMfa, null, null, this.enabled);
		}

	}

}
