package dev.lanyard.server.user;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@link UserAccount}s for tests: an enabled, unlocked account without roles by default,
 * changed with the builder's setters.
 */
public final class TestUserAccounts {

	private TestUserAccounts() {
	}

	/** An account named {@code username}, e-mail {@code <username>@example.com}. */
	public static Builder user(String username) {
		return new Builder(username);
	}

	/** Builds a {@link UserAccount}. */
	public static final class Builder {

		private UUID id = UUID.randomUUID();

		private String username;

		private String email;

		private String passwordHash = "{noop}not-a-real-hash";

		private boolean enabled = true;

		private boolean locked;

		private List<String> roles = List.of();

		private Map<String, String> attributes = Map.of();

		private Map<String, String> claims = Map.of();

		private Builder(String username) {
			this.username = username;
			this.email = username + "@example.com";
		}

		public Builder id(UUID id) {
			this.id = id;
			return this;
		}

		public Builder username(String username) {
			this.username = username;
			return this;
		}

		public Builder email(String email) {
			this.email = email;
			return this;
		}

		public Builder passwordHash(String passwordHash) {
			this.passwordHash = passwordHash;
			return this;
		}

		public Builder enabled(boolean enabled) {
			this.enabled = enabled;
			return this;
		}

		public Builder locked(boolean locked) {
			this.locked = locked;
			return this;
		}

		public Builder roles(String... roles) {
			this.roles = List.of(roles);
			return this;
		}

		public Builder claims(Map<String, String> claims) {
			this.claims = claims;
			return this;
		}

		public Builder attributes(Map<String, String> attributes) {
			this.attributes = attributes;
			return this;
		}

		/** The account; its creation and change times are the database's to set. */
		public UserAccount build() {
			return new UserAccount(this.id, this.username, this.email, this.passwordHash, this.enabled, this.locked,
					this.roles, this.attributes, this.claims, null, null);
		}

	}

}
