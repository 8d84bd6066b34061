package dev.lanyard.admin.session;

import java.time.Instant;
import java.util.List;

/**
 * An active grant: what a user (or a client on its own behalf) holds at a client.
 * Immutable.
 *
 * @param id the grant id
 * @param clientId the client
 * @param subject the user id, or the client id for client credentials
 * @param username the user's login name; {@code null} for client grants
 * @param grantType how it was granted
 * @param scopes the scopes
 * @param issuedAt when the grant began
 * @param lastRefreshedAt when its tokens were last issued or refreshed
 * @param expiresAt when its longest-lived token expires
 */
public record GrantView(String id, String clientId, String subject, String username, String grantType,
		List<String> scopes, Instant issuedAt, Instant lastRefreshedAt, Instant expiresAt) {
}
