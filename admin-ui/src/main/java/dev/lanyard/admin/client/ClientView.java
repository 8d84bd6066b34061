package dev.lanyard.admin.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A registered client as administrators see it: never its secret. Immutable.
 *
 * @param clientId the client id
 * @param clientName the readable name
 * @param logoUri where its logo is, or {@code null}
 * @param publicClient whether it is a public client
 * @param tokenEndpointAuthMethod {@code client_secret_basic}, {@code client_secret_post},
 * {@code private_key_jwt} or {@code none}
 * @param jwks its public keys as a JWK Set document, or {@code null}
 * @param jwksUri the URL of its public keys, or {@code null}
 * @param redirectUris redirect URIs
 * @param postLogoutRedirectUris post-logout redirect URIs
 * @param grantTypes grant types, sorted
 * @param scopes scopes, sorted
 * @param requirePkce whether PKCE is required
 * @param requireConsent whether users must consent
 * @param accessTokenTtl access token lifetime
 * @param refreshTokenIdle refresh token idle timeout
 * @param refreshTokenMax refresh token absolute lifetime
 * @param exchangeAudiences audiences for token exchange
 * @param introspectionAllowed whether it may introspect other clients' access tokens
 * @param requirePushedAuthorizationRequests whether its authorization requests must be
 * pushed first (RFC 9126)
 * @param dpopBoundAccessTokens whether it always uses DPoP for token requests (RFC 9449)
 * @param backchannelLogoutUri where it takes logout tokens, or {@code null}
 * @param backchannelLogoutSessionRequired whether its logout tokens must carry
 * {@code sid}
 * @param enabled whether the client works
 * @param clientIdIssuedAt when it was registered
 * @param updatedAt when it last changed
 */
public record ClientView(String clientId, String clientName, String logoUri, boolean publicClient,
		String tokenEndpointAuthMethod, String jwks, String jwksUri, List<String> redirectUris,
		List<String> postLogoutRedirectUris, List<String> grantTypes, List<String> scopes, boolean requirePkce,
		boolean requireConsent, Duration accessTokenTtl, Duration refreshTokenIdle, Duration refreshTokenMax,
		List<String> exchangeAudiences, boolean introspectionAllowed, boolean requirePushedAuthorizationRequests,
		boolean dpopBoundAccessTokens, boolean requireMfa, String backchannelLogoutUri,
		boolean backchannelLogoutSessionRequired, boolean enabled, Instant clientIdIssuedAt, Instant updatedAt) {

	/**
	 * Whether the client authenticates with a secret (one can be regenerated): not a
	 * public client, nor one that signs assertions with its own key.
	 */
	public boolean hasSecret() {
		return !this.publicClient && !"private_key_jwt".equals(this.tokenEndpointAuthMethod)
				&& !"none".equals(this.tokenEndpointAuthMethod);
	}

}
