package dev.lanyard.admin.session;

import java.time.Instant;
import java.util.List;

/** {@link GrantView} fixtures. */
public final class TestGrantViews {

	public static final Instant ISSUED_AT = Instant.parse("2026-03-02T10:15:00Z");

	public static final Instant REFRESHED_AT = Instant.parse("2026-03-02T11:45:30Z");

	private TestGrantViews() {
	}

	/** A user's authorization-code grant at a client. */
	public static Builder userGrant(String id, String clientId, String userId, String username) {
		return new Builder(id, clientId, userId, username, "authorization_code");
	}

	/** A client's own client-credentials grant: the subject is the client. */
	public static Builder clientGrant(String id, String clientId) {
		return new Builder(id, clientId, clientId, null, "client_credentials").scopes("orders.read");
	}

	/** Builds {@link GrantView}s. */
	public static final class Builder {

		private final String id;

		private final String clientId;

		private final String subject;

		private final String username;

		private final String grantType;

		private List<String> scopes = List.of("openid", "profile");

		private Builder(String id, String clientId, String subject, String username, String grantType) {
			this.id = id;
			this.clientId = clientId;
			this.subject = subject;
			this.username = username;
			this.grantType = grantType;
		}

		public Builder scopes(String... scopes) {
			this.scopes = List.of(scopes);
			return this;
		}

		public GrantView build() {
			return new GrantView(this.id, this.clientId, this.subject, this.username, this.grantType, this.scopes,
					ISSUED_AT, REFRESHED_AT, REFRESHED_AT.plusSeconds(8 * 3600));
		}

	}

}
