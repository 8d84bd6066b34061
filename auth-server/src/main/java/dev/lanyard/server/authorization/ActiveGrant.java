package dev.lanyard.server.authorization;

import java.time.Instant;
import java.util.List;

/**
 * A grant with a token that still works, as the admin views list it.
 *
 * @param id the authorization id
 * @param registeredClientId the client's internal id
 * @param principalName the user id, or the client id for client credentials
 * @param grantType the grant that created it
 * @param scopes its scopes
 * @param createdAt when it began
 * @param updatedAt when its tokens were last issued or refreshed
 * @param expiresAt when its longest-lived token expires
 */
public record ActiveGrant(String id, String registeredClientId, String principalName, String grantType,
		List<String> scopes, Instant createdAt, Instant updatedAt, Instant expiresAt) {
}
