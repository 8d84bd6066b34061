package dev.lanyard.admin.user;

import java.time.Instant;
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
 * @param claims OpenID Connect standard claims by claim name ({@code given_name}; the
 * parts of the address as {@code address.locality}; booleans as {@code true} or
 * {@code false}); blank values are dropped; {@code null} leaves an account's claims as
 * they are (none for a new one)
 * @param seenAt when the account the administrator saw was last changed (the console's
 * form carries it): a change made since refuses this one rather than be overwritten by
 * it; {@code null} when not known (the API: its own fields left out keep what is)
 */
public record UserDraft(String username, String email, boolean enabled, boolean locked, List<String> roles,
		Map<String, String> attributes, Map<String, String> claims, Instant seenAt) {

	public UserDraft {
		roles = (roles != null) ? List.copyOf(roles) : List.of();
		attributes = (attributes != null) ? Map.copyOf(attributes) : Map.of();
		claims = (claims != null) ? Map.copyOf(claims) : null;
	}

	/** A draft not tied to the account as it was seen. */
	public UserDraft(String username, String email, boolean enabled, boolean locked, List<String> roles,
			Map<String, String> attributes, Map<String, String> claims) {
		this(username, email, enabled, locked, roles, attributes, claims, null);
	}

	/** A draft that leaves standard claims as they are. */
	public UserDraft(String username, String email, boolean enabled, boolean locked, List<String> roles,
			Map<String, String> attributes) {
		this(username, email, enabled, locked, roles, attributes, null);
	}

}
