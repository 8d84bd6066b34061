package dev.lanyard.admin.user;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@link UserView} fixtures: a builder with the defaults of an ordinary user. */
public final class TestUserViews {

	public static final Instant CREATED_AT = Instant.parse("2026-02-10T08:00:00Z");

	private TestUserViews() {
	}

	/**
	 * An enabled, unlocked user with role {@code user}; the id is derived from the name.
	 */
	public static Builder user(String username) {
		return new Builder(username);
	}

	/** Builds {@link UserView}s. */
	public static final class Builder {

		private String id;

		private final String username;

		private String email;

		private boolean enabled = true;

		private boolean locked;

		private List<String> roles = List.of("user");

		private Map<String, String> attributes = Map.of();

		private Map<String, String> claims = Map.of();

		private Builder(String username) {
			this.id = "id-" + username;
			this.username = username;
			this.email = username + "@example.com";
		}

		public Builder id(String id) {
			this.id = id;
			return this;
		}

		public Builder email(String email) {
			this.email = email;
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

		public UserView build() {
			return new UserView(this.id, this.username, this.email, this.enabled, this.locked, this.roles,
					this.attributes, this.claims, CREATED_AT, CREATED_AT);
		}

	}

}
