package dev.lanyard.server.authorization;

import java.time.Instant;

/**
 * An authorization as stored: a row of {@code oauth_authorizations}, and the value the
 * token cache holds. Token values appear only as SHA-256 hashes.
 *
 * @param id the authorization id
 * @param registeredClientId the client's internal id
 * @param principalName the user id, or the client id for client credentials
 * @param grantType the grant that created it
 * @param authorizedScopes space-separated scopes
 * @param attributes JSON of the non-secret attributes (authorization request, principal)
 * @param sessionId the login session ({@code sid}) it was granted in; may be {@code null}
 * @param stateHash hash of the consent state; may be {@code null}
 * @param code the authorization code; may be {@code null}
 * @param accessToken the access token; may be {@code null}
 * @param accessTokenScopes the access token's scopes, space-separated; may be
 * {@code null}
 * @param refreshToken the refresh token; may be {@code null}
 * @param idToken the ID token; may be {@code null}
 * @param deviceCode the device code (RFC 8628); may be {@code null}
 * @param userCode the user code (RFC 8628); may be {@code null}
 * @param version the optimistic-lock version
 * @param createdAt when the grant began
 */
public record StoredAuthorization(String id, String registeredClientId, String principalName, String grantType,
		String authorizedScopes, String attributes, String sessionId, String stateHash, StoredToken code,
		StoredToken accessToken, String accessTokenScopes, StoredToken refreshToken, StoredToken idToken,
		StoredToken deviceCode, StoredToken userCode, long version, Instant createdAt) {

	/** The same row at another version. */
	StoredAuthorization withVersion(long newVersion) {
		return new StoredAuthorization(this.id, this.registeredClientId, this.principalName, this.grantType,
				this.authorizedScopes, this.attributes, this.sessionId, this.stateHash, this.code, this.accessToken,
				this.accessTokenScopes, this.refreshToken, this.idToken, this.deviceCode, this.userCode, newVersion,
				this.createdAt);
	}

	/**
	 * One stored token.
	 *
	 * @param hash SHA-256 of the value
	 * @param issuedAt when issued; may be {@code null}
	 * @param expiresAt when it expires; may be {@code null}
	 * @param metadata JSON of the token metadata (invalidated flag, claims)
	 */
	public record StoredToken(String hash, Instant issuedAt, Instant expiresAt, String metadata) {
	}

}
