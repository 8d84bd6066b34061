package dev.lanyard.admin.user;

import java.util.List;
import java.util.Map;

/**
 * A user account as an administrator wants it (not its password, which has its own call).
 *
 * @param username the login name
 * @param email the e-mail address; may be {@code null}
 * @param enabled whether the account may sign in
 * @param locked whether the account is locked
 * @param roles role names
 * @param attributes free attributes, carried into internal JWTs where configured
 */
public record UserDraft(String username, String email, boolean enabled, boolean locked, List<String> roles,
		Map<String, String> attributes) {

	public UserDraft {
		roles = (roles != null) ? List.copyOf(roles) : List.of();
		attributes = (attributes != null) ? Map.copyOf(attributes) : Map.of();
	}

}
