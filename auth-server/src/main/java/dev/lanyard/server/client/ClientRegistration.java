package dev.lanyard.server.client;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What an operator asks for when registering or changing a client: the input to
 * {@link ClientService}. Collections are never {@code null}; the optional values may be.
 *
 * @param clientId the public client identifier
 * @param clientName a human-readable name; defaults to the client id
 * @param clientSecret a secret the operator supplies (at least 32 characters); {@code null}
 * lets the server generate one for a confidential client
 * @param publicClient {@code true} for a client that cannot keep a secret (PKCE only)
 * @param redirectUris redirect URIs
 * @param postLogoutRedirectUris post-logout redirect URIs
 * @param grantTypes grant type identifiers
 * @param scopes allowed scopes
 * @param requirePkce whether PKCE is required; {@code null} means yes
 * @param requireConsent whether users must approve scopes; {@code null} means no
 * @param accessTokenTtl access token lifetime; {@code null} for the server default
 * @param refreshTokenIdle refresh token idle timeout; {@code null} for the default
 * @param refreshTokenMax refresh token absolute lifetime; {@code null} for the default
 * @param exchangeAudiences audiences for token exchange
 * @param enabled {@code null} means enabled
 */
public record ClientRegistration(String clientId, String clientName, String clientSecret, boolean publicClient,
		List<String> redirectUris, List<String> postLogoutRedirectUris, Set<String> grantTypes, Set<String> scopes,
		Boolean requirePkce, Boolean requireConsent, Duration accessTokenTtl, Duration refreshTokenIdle,
		Duration refreshTokenMax, List<String> exchangeAudiences, Boolean enabled) {

	public ClientRegistration {
		redirectUris = (redirectUris != null) ? List.copyOf(redirectUris) : List.of();
		postLogoutRedirectUris = (postLogoutRedirectUris != null) ? List.copyOf(postLogoutRedirectUris) : List.of();
		grantTypes = (grantTypes != null) ? Set.copyOf(grantTypes) : Set.of();
		scopes = (scopes != null) ? Set.copyOf(scopes) : Set.of();
		exchangeAudiences = (exchangeAudiences != null) ? List.copyOf(exchangeAudiences) : List.of();
	}

	@Override
	public String toString() {
		return "ClientRegistration[clientId=" + this.clientId + ", public=" + this.publicClient + "]";
	}

}
