package dev.lanyard.server.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A registered OAuth client, named after RFC 7591 client metadata where a name exists.
 * Immutable.
 *
 * @param id internal identifier (the framework's registered client id)
 * @param clientId the public client identifier
 * @param clientName a human-readable name, shown on the consent page
 * @param clientSecretHash SHA-256 of the secret; {@code null} for a public client
 * @param clientIdIssuedAt when the client was registered
 * @param tokenEndpointAuthMethod how it authenticates, the one way it may (RFC 7591 §2):
 * {@code client_secret_basic}, {@code client_secret_post}, {@code private_key_jwt} or
 * {@code none} for a public client
 * @param jwks its public keys as a JWK Set document (RFC 7517 §5), for
 * {@code private_key_jwt}; {@code null} when it has none or publishes them at
 * {@code jwksUri}
 * @param jwksUri where it publishes its public keys, for {@code private_key_jwt};
 * {@code null} when it has none or registered them inline
 * @param redirectUris registered redirect URIs, compared exactly
 * @param postLogoutRedirectUris where RP-initiated logout may send the user
 * @param grantTypes grant type identifiers
 * @param scopes scopes the client may ask for
 * @param requirePkce whether PKCE is required (always for public clients)
 * @param requireConsent whether users must approve the scopes
 * @param accessTokenTtl access token lifetime
 * @param refreshTokenIdle refresh token idle timeout
 * @param refreshTokenMax refresh token absolute lifetime
 * @param exchangeAudiences audiences this client may request internal JWTs for
 * @param introspectionAllowed whether it may introspect access tokens issued to other
 * clients (a resource server); every client may introspect its own
 * @param requirePushedAuthorizationRequests whether its authorization requests must be
 * pushed first (RFC 9126 §6)
 * @param dpopBoundAccessTokens whether it always uses DPoP for token requests, so its
 * access tokens are always DPoP-bound (RFC 9449 §5.2)
 * @param backchannelLogoutUri where it takes logout tokens (OpenID Connect Back-Channel
 * Logout 1.0 §2.2), or {@code null}
 * @param backchannelLogoutSessionRequired whether its logout tokens must carry
 * {@code sid}
 * @param enabled a disabled client can do nothing and its tokens stop working
 * @param createdAt when created
 * @param updatedAt when last changed
 */
public record OAuthClient(String id, String clientId, String clientName, String logoUri, String clientSecretHash,
		Instant clientIdIssuedAt, String tokenEndpointAuthMethod, String jwks, String jwksUri,
		List<String> redirectUris, List<String> postLogoutRedirectUris, Set<String> grantTypes, Set<String> scopes,
		boolean requirePkce, boolean requireConsent, Duration accessTokenTtl, Duration refreshTokenIdle,
		Duration refreshTokenMax, List<String> exchangeAudiences, boolean introspectionAllowed,
		boolean requirePushedAuthorizationRequests, boolean dpopBoundAccessTokens, boolean requireMfa,
		String backchannelLogoutUri, boolean backchannelLogoutSessionRequired, boolean enabled, Instant createdAt,
		Instant updatedAt) {

	/**
	 * Token endpoint authentication with the secret in a Basic header (RFC 7591 §2), the
	 * default for confidential clients.
	 */
	public static final String AUTH_CLIENT_SECRET_BASIC = "client_secret_basic";

	/** Token endpoint authentication with the secret in the form body (RFC 7591 §2). */
	public static final String AUTH_CLIENT_SECRET_POST = "client_secret_post";

	/**
	 * Token endpoint authentication with a JWT signed by the client's private key (RFC
	 * 7523 §2.2, OpenID Connect Core §9).
	 */
	public static final String AUTH_PRIVATE_KEY_JWT = "private_key_jwt";

	/** Token endpoint authentication for public clients (RFC 7591 §2). */
	public static final String AUTH_NONE = "none";

	public OAuthClient {
		redirectUris = List.copyOf(redirectUris);
		postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
		grantTypes = Set.copyOf(grantTypes);
		scopes = Set.copyOf(scopes);
		exchangeAudiences = List.copyOf(exchangeAudiences);
	}

	public boolean isPublic() {
		return AUTH_NONE.equals(this.tokenEndpointAuthMethod);
	}

	/** Whether it authenticates with a secret (Basic header or form body). */
	public boolean usesSecret() {
		return AUTH_CLIENT_SECRET_BASIC.equals(this.tokenEndpointAuthMethod)
				|| AUTH_CLIENT_SECRET_POST.equals(this.tokenEndpointAuthMethod);
	}

	/**
	 * The names of the settings that differ from the client as it was, never the values:
	 * where codes and tokens may go, what the client may obtain and who may authenticate
	 * as it are what a reader of the audit log looks for.
	 * @param before the client before a change
	 */
	public List<String> settingsChangedSince(OAuthClient before) {
		Map<String, Boolean> differs = new java.util.LinkedHashMap<>();
		differs.put("client_name", !Objects.equals(before.clientName(), this.clientName));
		differs.put("logo_uri", !Objects.equals(before.logoUri(), this.logoUri));
		differs.put("redirect_uris", !before.redirectUris().equals(this.redirectUris));
		differs.put("post_logout_redirect_uris", !before.postLogoutRedirectUris().equals(this.postLogoutRedirectUris));
		differs.put("grant_types", !before.grantTypes().equals(this.grantTypes));
		differs.put("scope", !before.scopes().equals(this.scopes));
		differs.put("require_pkce", before.requirePkce() != this.requirePkce);
		differs.put("require_consent", before.requireConsent() != this.requireConsent);
		differs.put("token_lifetimes",
				!Objects.equals(before.accessTokenTtl(), this.accessTokenTtl)
						|| !Objects.equals(before.refreshTokenIdle(), this.refreshTokenIdle)
						|| !Objects.equals(before.refreshTokenMax(), this.refreshTokenMax));
		differs.put("exchange_audiences", !before.exchangeAudiences().equals(this.exchangeAudiences));
		differs.put("introspection_allowed", before.introspectionAllowed() != this.introspectionAllowed);
		differs.put("require_pushed_authorization_requests",
				before.requirePushedAuthorizationRequests() != this.requirePushedAuthorizationRequests);
		differs.put("dpop_bound_access_tokens", before.dpopBoundAccessTokens() != this.dpopBoundAccessTokens);
		differs.put("require_mfa", before.requireMfa() != this.requireMfa);
		differs.put("backchannel_logout_uri", !Objects.equals(before.backchannelLogoutUri(), this.backchannelLogoutUri)
				|| before.backchannelLogoutSessionRequired() != this.backchannelLogoutSessionRequired);
		differs.put("token_endpoint_auth_method",
				!Objects.equals(before.tokenEndpointAuthMethod(), this.tokenEndpointAuthMethod));
		differs.put("client_secret", !Objects.equals(before.clientSecretHash(), this.clientSecretHash));
		differs.put("keys",
				!Objects.equals(before.jwks(), this.jwks) || !Objects.equals(before.jwksUri(), this.jwksUri));
		differs.put("enabled", before.enabled() != this.enabled);
		return differs.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
	}

	/** The same client with another secret hash, changed at the given time. */
	OAuthClient withSecretHash(String secretHash, Instant changedAt) {
		return new OAuthClient(this.id, this.clientId, this.clientName, this.logoUri, secretHash, this.clientIdIssuedAt,
				this.tokenEndpointAuthMethod, this.jwks, this.jwksUri, this.redirectUris, this.postLogoutRedirectUris,
				this.grantTypes, this.scopes, this.requirePkce, this.requireConsent, this.accessTokenTtl,
				this.refreshTokenIdle, this.refreshTokenMax, this.exchangeAudiences, this.introspectionAllowed,
				this.requirePushedAuthorizationRequests, this.dpopBoundAccessTokens, this.requireMfa,
				this.backchannelLogoutUri, this.backchannelLogoutSessionRequired, this.enabled, this.createdAt,
				changedAt);
	}

	/** The same client with the given creation and change times. */
	OAuthClient withTimes(Instant created, Instant changed) {
		return new OAuthClient(this.id, this.clientId, this.clientName, this.logoUri, this.clientSecretHash,
				this.clientIdIssuedAt, this.tokenEndpointAuthMethod, this.jwks, this.jwksUri, this.redirectUris,
				this.postLogoutRedirectUris, this.grantTypes, this.scopes, this.requirePkce, this.requireConsent,
				this.accessTokenTtl, this.refreshTokenIdle, this.refreshTokenMax, this.exchangeAudiences,
				this.introspectionAllowed, this.requirePushedAuthorizationRequests, this.dpopBoundAccessTokens,
				this.requireMfa, this.backchannelLogoutUri, this.backchannelLogoutSessionRequired, this.enabled,
				created, changed);
	}

	@Override
	public String toString() {
		return "OAuthClient[clientId=" + this.clientId + ", tokenEndpointAuthMethod=" + this.tokenEndpointAuthMethod
				+ ", grantTypes=" + this.grantTypes + "]";
	}

}
