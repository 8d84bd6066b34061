package dev.lanyard.server.user;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A person who signs in at the hosted login page. Immutable.
 *
 * @param id the stable identifier, used as the {@code sub} of every token
 * @param username the login name, unique regardless of case
 * @param email the e-mail address; may be {@code null}
 * @param passwordHash the encoder output ({@code {argon2}…}); never a clear password
 * @param enabled whether the account may sign in at all
 * @param locked whether the account is locked by an administrator
 * @param roles role names, e.g. {@code admin}
 * @param attributes free attributes carried into internal JWTs (e.g. {@code tenant})
 * @param claims OpenID Connect standard claims by claim name ({@link StandardClaim})
 * @param createdAt when the account was created
 * @param updatedAt when it last changed
 * @param signInsNotBefore the last end of every sign-in of the account (a new password,
 * "sign out everywhere"), as the database stamped it; {@code null} if never. A sign-in
 * keeps the value it read with the credential it checked, and goes on while the account
 * still holds that very value ({@link LanyardUser#signInsNotBefore()})
 */
public record UserAccount(UUID id, String username, String email, String passwordHash, boolean enabled, boolean locked,
		List<String> roles, Map<String, String> attributes, Map<String, String> claims, Instant createdAt,
		Instant updatedAt, Instant signInsNotBefore) {

	public UserAccount {
		roles = List.copyOf(roles);
		attributes = Map.copyOf(attributes);
		claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
	}

	/** An account whose sign-ins were never all ended. */
	public UserAccount(UUID id, String username, String email, String passwordHash, boolean enabled, boolean locked,
			List<String> roles, Map<String, String> attributes, Map<String, String> claims, Instant createdAt,
			Instant updatedAt) {
		this(id, username, email, passwordHash, enabled, locked, roles, attributes, claims, createdAt, updatedAt, null);
	}

	/** An account without standard claims. */
	public UserAccount(UUID id, String username, String email, String passwordHash, boolean enabled, boolean locked,
			List<String> roles, Map<String, String> attributes, Instant createdAt, Instant updatedAt) {
		this(id, username, email, passwordHash, enabled, locked, roles, attributes, Map.of(), createdAt, updatedAt);
	}

	/** Whether the account may sign in and keep using what it was granted. */
	public boolean active() {
		return this.enabled && !this.locked;
	}

	/** The same account with another password hash. */
	public UserAccount withPasswordHash(String newHash) {
		return new UserAccount(this.id, this.username, this.email, newHash, this.enabled, this.locked, this.roles,
				this.attributes, this.claims, this.createdAt, this.updatedAt, this.signInsNotBefore);
	}

	@Override
	public String toString() {
		return "UserAccount[id=" + this.id + ", username=" + this.username + ", enabled=" + this.enabled + ", locked="
				+ this.locked + ", roles=" + this.roles + "]";
	}

}
