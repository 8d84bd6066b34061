package dev.lanyard.admin.user;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A user account as administrators see it: never its password or hash. Immutable.
 *
 * @param id the account id (the {@code sub} of its tokens)
 * @param username the login name
 * @param email the e-mail address; may be {@code null}
 * @param enabled whether the account may sign in
 * @param locked whether an administrator locked it
 * @param roles role names
 * @param attributes free attributes
 * @param claims OpenID Connect standard claims, as in {@link UserDraft#claims()}
 * @param createdAt when created
 * @param updatedAt when last changed
 */
public record UserView(String id, String username, String email, boolean enabled, boolean locked, List<String> roles,
		Map<String, String> attributes, Map<String, String> claims, Instant createdAt, Instant updatedAt) {
}
