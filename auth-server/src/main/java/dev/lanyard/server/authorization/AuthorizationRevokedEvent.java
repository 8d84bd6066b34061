package dev.lanyard.server.authorization;

import java.util.List;

/**
 * Published after grants were revoked (token revocation, logout, refresh-token reuse,
 * an administrator's action), once the change is committed. Listeners tell gateways to
 * drop what they cached for these tokens.
 *
 * @param accessTokenHashes SHA-256 hashes of the access tokens that stopped working
 * @param sessionIds login sessions ({@code sid}) of the revoked grants
 * @param reason why, e.g. {@code refresh_token_reuse}
 */
public record AuthorizationRevokedEvent(List<String> accessTokenHashes, List<String> sessionIds, String reason) {

	public AuthorizationRevokedEvent {
		accessTokenHashes = List.copyOf(accessTokenHashes);
		sessionIds = List.copyOf(sessionIds);
	}

}
