package dev.lanyard.server.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * @param tokenEndpointAuthMethod {@code client_secret_basic} (also accepts
 * {@code client_secret_post}) or {@code none} for a public client
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
 * @param enabled a disabled client can do nothing and its tokens stop working
 * @param createdAt when created
 * @param updatedAt when last changed
 */
public record OAuthClient(String id, String clientId, String clientName, String clientSecretHash,
		Instant clientIdIssuedAt, String tokenEndpointAuthMethod, List<String> redirectUris,
		List<String> postLogoutRedirectUris, Set<String> grantTypes, Set<String> scopes, boolean requirePkce,
		boolean requireConsent, Duration accessTokenTtl, Duration refreshTokenIdle, Duration refreshTokenMax,
		List<String> exchangeAudiences, boolean introspectionAllowed, boolean enabled, Instant createdAt,
		Instant updatedAt) {

	/** Token endpoint authentication for confidential clients (RFC 7591 §2). */
	public static final String AUTH_CLIENT_SECRET_BASIC = "client_secret_basic";

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

	@Override
	public String toString() {
		return "OAuthClient[clientId=" + this.clientId + ", public=" + isPublic() + ", grantTypes=" + this.grantTypes
				+ "]";
	}

}
