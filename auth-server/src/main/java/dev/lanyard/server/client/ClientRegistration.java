package dev.lanyard.server.client;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What registering or changing a client asks for, in the server's own terms (the admin
 * console, the admin API and the bootstrap file each map their input to it). A
 * {@code null} setting means the server's default. Immutable.
 *
 * @param clientId the client identifier
 * @param clientName a display name, or {@code null}
 * @param logoUri where its logo is (https), shown on the login and consent pages, or
 * {@code null}
 * @param publicClient whether the client has no secret (PKCE only)
 * @param clientSecret the secret to set, or {@code null} to generate one (confidential
 * clients that authenticate with a secret)
 * @param tokenEndpointAuthMethod how it authenticates (RFC 7591 §2), or {@code null}:
 * {@code none} for a public client, {@code client_secret_basic} otherwise
 * @param jwks its public keys as a JWK Set document, for {@code private_key_jwt}
 * @param jwksUri where it publishes its public keys, for {@code private_key_jwt}
 * @param redirectUris the exact redirect URIs
 * @param postLogoutRedirectUris the exact post-logout redirect URIs
 * @param grantTypes the grant types
 * @param scopes the scopes it may ask for
 * @param requirePkce whether PKCE is required ({@code null}: yes)
 * @param requireConsent whether users are asked for consent ({@code null}: no)
 * @param accessTokenTtl its access token lifetime, or {@code null}
 * @param refreshTokenIdle its refresh token idle timeout, or {@code null}
 * @param refreshTokenMax its refresh token absolute lifetime, or {@code null}
 * @param exchangeAudiences the audiences it may exchange tokens for, default first
 * @param introspectionAllowed whether it may introspect other clients' tokens
 * @param requirePushedAuthorizationRequests whether it must push its authorization
 * requests first (RFC 9126 §6; {@code null}: no)
 * @param requireMfa whether its users must sign in with a second factor ({@code null}:
 * no)
 * @param dpopBoundAccessTokens whether it always uses DPoP for token requests (RFC 9449
 * §5.2; {@code null}: no)
 * @param backchannelLogoutUri where it takes logout tokens, or {@code null}
 * @param backchannelLogoutSessionRequired whether its logout tokens must carry
 * {@code sid} ({@code null}: no)
 * @param enabled whether it may be used ({@code null}: yes)
 */
public record ClientRegistration(String clientId, String clientName, String logoUri, boolean publicClient,
		String clientSecret, String tokenEndpointAuthMethod, String jwks, String jwksUri, List<String> redirectUris,
		List<String> postLogoutRedirectUris, Set<String> grantTypes, Set<String> scopes, Boolean requirePkce,
		Boolean requireConsent, Duration accessTokenTtl, Duration refreshTokenIdle, Duration refreshTokenMax,
		List<String> exchangeAudiences, Boolean introspectionAllowed, Boolean requirePushedAuthorizationRequests,
		Boolean dpopBoundAccessTokens, Boolean requireMfa, String backchannelLogoutUri,
		Boolean backchannelLogoutSessionRequired, Boolean enabled) {

	public ClientRegistration {
		redirectUris = (redirectUris != null) ? List.copyOf(redirectUris) : List.of();
		postLogoutRedirectUris = (postLogoutRedirectUris != null) ? List.copyOf(postLogoutRedirectUris) : List.of();
		grantTypes = (grantTypes != null) ? Set.copyOf(grantTypes) : Set.of();
		scopes = (scopes != null) ? Set.copyOf(scopes) : Set.of();
		exchangeAudiences = (exchangeAudiences != null) ? List.copyOf(exchangeAudiences) : List.of();
	}

	/** A registration without a logo. */
	public ClientRegistration(String clientId, String clientName, boolean publicClient, String clientSecret,
			String tokenEndpointAuthMethod, String jwks, String jwksUri, List<String> redirectUris,
			List<String> postLogoutRedirectUris, Set<String> grantTypes, Set<String> scopes, Boolean requirePkce,
			Boolean requireConsent, Duration accessTokenTtl, Duration refreshTokenIdle, Duration refreshTokenMax,
			List<String> exchangeAudiences, Boolean introspectionAllowed, Boolean requirePushedAuthorizationRequests,
			Boolean dpopBoundAccessTokens, Boolean requireMfa, String backchannelLogoutUri,
			Boolean backchannelLogoutSessionRequired, Boolean enabled) {
		this(clientId, clientName, null, publicClient, clientSecret, tokenEndpointAuthMethod, jwks, jwksUri,
				redirectUris, postLogoutRedirectUris, grantTypes, scopes, requirePkce, requireConsent, accessTokenTtl,
				refreshTokenIdle, refreshTokenMax, exchangeAudiences, introspectionAllowed,
				requirePushedAuthorizationRequests, dpopBoundAccessTokens, requireMfa, backchannelLogoutUri,
				backchannelLogoutSessionRequired, enabled);
	}

	/** A registration that does not ask for two-step sign-in of its users. */
	public ClientRegistration(String clientId, String clientName, boolean publicClient, String clientSecret,
			String tokenEndpointAuthMethod, String jwks, String jwksUri, List<String> redirectUris,
			List<String> postLogoutRedirectUris, Set<String> grantTypes, Set<String> scopes, Boolean requirePkce,
			Boolean requireConsent, Duration accessTokenTtl, Duration refreshTokenIdle, Duration refreshTokenMax,
			List<String> exchangeAudiences, Boolean introspectionAllowed, Boolean requirePushedAuthorizationRequests,
			Boolean dpopBoundAccessTokens, String backchannelLogoutUri, Boolean backchannelLogoutSessionRequired,
			Boolean enabled) {
		this(clientId, clientName, null, publicClient, clientSecret, tokenEndpointAuthMethod, jwks, jwksUri,
				redirectUris, postLogoutRedirectUris, grantTypes, scopes, requirePkce, requireConsent, accessTokenTtl,
				refreshTokenIdle, refreshTokenMax, exchangeAudiences, introspectionAllowed,
				requirePushedAuthorizationRequests, dpopBoundAccessTokens, null, backchannelLogoutUri,
				backchannelLogoutSessionRequired, enabled);
	}

	/**
	 * This registration with the client's current way of authenticating (type, method,
	 * keys) where it names no method: a change that does not mention it keeps it.
	 */
	ClientRegistration keepingAuthenticationOf(OAuthClient current) {
		if (this.tokenEndpointAuthMethod != null) {
			return this;
		}
		boolean keepKeys = this.jwks == null && this.jwksUri == null;
		return new ClientRegistration(this.clientId, this.clientName, this.logoUri, current.isPublic(),
				this.clientSecret, current.tokenEndpointAuthMethod(), keepKeys ? current.jwks() : this.jwks,
				keepKeys ? current.jwksUri() : this.jwksUri, this.redirectUris, this.postLogoutRedirectUris,
				this.grantTypes, this.scopes, this.requirePkce, this.requireConsent, this.accessTokenTtl,
				this.refreshTokenIdle, this.refreshTokenMax, this.exchangeAudiences, this.introspectionAllowed,
				this.requirePushedAuthorizationRequests, this.dpopBoundAccessTokens, this.requireMfa,
				this.backchannelLogoutUri, this.backchannelLogoutSessionRequired, this.enabled);
	}

	/** The authentication method it asks for, or the default for its type. */
	public String effectiveTokenEndpointAuthMethod() {
		if (this.tokenEndpointAuthMethod != null) {
			return this.tokenEndpointAuthMethod;
		}
		return this.publicClient ? OAuthClient.AUTH_NONE : OAuthClient.AUTH_CLIENT_SECRET_BASIC;
	}

	@Override
	public String toString() {
		// Never the secret.
		return "ClientRegistration[clientId=" + this.clientId + "]";
	}

}
