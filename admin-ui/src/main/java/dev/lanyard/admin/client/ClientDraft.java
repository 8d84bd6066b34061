package dev.lanyard.admin.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A client as an administrator wants it, for creating or changing one. Names follow RFC
 * 7591 client metadata. Collections are never {@code null}; optional values may be.
 *
 * @param clientId the client id
 * @param clientName a readable name; may be {@code null}
 * @param logoUri where its logo is (shown on the login and consent pages), or
 * {@code null}
 * @param publicClient whether the client cannot keep a secret
 * @param clientSecret a secret to set (API only, at least 32 characters); {@code null} to
 * have the server generate one
 * @param tokenEndpointAuthMethod how it authenticates ({@code client_secret_basic},
 * {@code client_secret_post}, {@code private_key_jwt}, {@code none}); {@code null} for
 * its type's default
 * @param jwks its public keys as a JWK Set document ({@code private_key_jwt}), or
 * {@code null}
 * @param jwksUri the URL of its public keys ({@code private_key_jwt}), or {@code null}
 * @param redirectUris redirect URIs
 * @param postLogoutRedirectUris post-logout redirect URIs
 * @param grantTypes grant types
 * @param scopes scopes
 * @param requirePkce whether PKCE is required; {@code null} means yes
 * @param requireConsent whether users must consent; {@code null} means no
 * @param accessTokenTtl access token lifetime; {@code null} for the default
 * @param refreshTokenIdle refresh token idle timeout; {@code null} for the default
 * @param refreshTokenMax refresh token absolute lifetime; {@code null} for the default
 * @param exchangeAudiences audiences for token exchange
 * @param introspectionAllowed whether it may introspect other clients' access tokens;
 * {@code null} means no
 * @param requirePushedAuthorizationRequests whether its authorization requests must be
 * pushed first (RFC 9126); {@code null} means no
 * @param dpopBoundAccessTokens whether it always uses DPoP for token requests (RFC 9449);
 * {@code null} means no
 * @param backchannelLogoutUri where it takes logout tokens (OpenID Connect Back-Channel
 * Logout), or {@code null}
 * @param backchannelLogoutSessionRequired whether its logout tokens must carry
 * {@code sid}; {@code null} means no
 * @param enabled whether the client works; {@code null} means yes
 * @param seenAt when the client the administrator saw was last changed (the console's
 * form carries it): a change made since refuses this one rather than be overwritten by
 * it; {@code null} when not known
 */
public record ClientDraft(String clientId, String clientName, String logoUri, boolean publicClient, String clientSecret,
		String tokenEndpointAuthMethod, String jwks, String jwksUri, List<String> redirectUris,
		List<String> postLogoutRedirectUris, Set<String> grantTypes, Set<String> scopes, Boolean requirePkce,
		Boolean requireConsent, Duration accessTokenTtl, Duration refreshTokenIdle, Duration refreshTokenMax,
		List<String> exchangeAudiences, Boolean introspectionAllowed, Boolean requirePushedAuthorizationRequests,
		Boolean dpopBoundAccessTokens, Boolean requireMfa, String backchannelLogoutUri,
		Boolean backchannelLogoutSessionRequired, Boolean enabled, Instant seenAt) {

	public ClientDraft {
		redirectUris = (redirectUris != null) ? List.copyOf(redirectUris) : List.of();
		postLogoutRedirectUris = (postLogoutRedirectUris != null) ? List.copyOf(postLogoutRedirectUris) : List.of();
		grantTypes = (grantTypes != null) ? Set.copyOf(grantTypes) : Set.of();
		scopes = (scopes != null) ? Set.copyOf(scopes) : Set.of();
		exchangeAudiences = (exchangeAudiences != null) ? List.copyOf(exchangeAudiences) : List.of();
	}

	/** A draft not tied to the client as it was seen. */
	public ClientDraft(String clientId, String clientName, String logoUri, boolean publicClient, String clientSecret,
			String tokenEndpointAuthMethod, String jwks, String jwksUri, List<String> redirectUris,
			List<String> postLogoutRedirectUris, Set<String> grantTypes, Set<String> scopes, Boolean requirePkce,
			Boolean requireConsent, Duration accessTokenTtl, Duration refreshTokenIdle, Duration refreshTokenMax,
			List<String> exchangeAudiences, Boolean introspectionAllowed, Boolean requirePushedAuthorizationRequests,
			Boolean dpopBoundAccessTokens, Boolean requireMfa, String backchannelLogoutUri,
			Boolean backchannelLogoutSessionRequired, Boolean enabled) {
		this(clientId, clientName, logoUri, publicClient, clientSecret, tokenEndpointAuthMethod, jwks, jwksUri,
				redirectUris, postLogoutRedirectUris, grantTypes, scopes, requirePkce, requireConsent, accessTokenTtl,
				refreshTokenIdle, refreshTokenMax, exchangeAudiences, introspectionAllowed,
				requirePushedAuthorizationRequests, dpopBoundAccessTokens, requireMfa, backchannelLogoutUri,
				backchannelLogoutSessionRequired, enabled, null);
	}

	@Override
	public String toString() {
		return "ClientDraft[clientId=" + this.clientId + "]";
	}

}
