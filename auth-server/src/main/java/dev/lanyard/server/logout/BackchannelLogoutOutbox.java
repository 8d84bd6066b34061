package dev.lanyard.server.logout;

import java.util.List;
import java.util.Set;

import dev.lanyard.server.authorization.SessionEndObserver;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Logout tokens to deliver (OpenID Connect Back-Channel Logout 1.0), in PostgreSQL: one
 * row per client and ended session, written in the transaction that revoked the session's
 * grants, claimed by whichever node's {@link BackchannelLogoutDelivery} gets to it first.
 * Thread-safe.
 */
@Repository
public class BackchannelLogoutOutbox implements SessionEndObserver {

	/**
	 * The revocation reasons that end a person's session at a client: signing out, an
	 * administrator's revocation, the account disabled, the password changed. Not a
	 * client disabled or deleted (there is nobody to tell), nor a grant revoked for reuse
	 * of its refresh token or code (the session goes on).
	 */
	static final Set<String> SESSION_ENDING = Set.of("logout", "admin", "user_disabled", "password_changed");

	private final JdbcClient jdbc;

	public BackchannelLogoutOutbox(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void sessionsEnded(List<EndedGrant> grants, String reason) {
		if (!SESSION_ENDING.contains(reason)) {
			return;
		}
		for (EndedGrant grant : grants) {
			// Only clients that registered a back-channel logout URI; one row per client
			// and session however many of its grants end.
			this.jdbc.sql("""
					INSERT INTO backchannel_logouts (registered_client_id, subject, session_id, reason)
					SELECT id, ?, ?, ? FROM oauth_clients
					WHERE id = ? AND backchannel_logout_uri IS NOT NULL AND enabled
					ON CONFLICT (registered_client_id, session_id) DO NOTHING""")
				.params(grant.subject(), grant.sessionId(), reason, grant.registeredClientId())
				.update();
		}
	}

	/**
	 * Takes up to {@code limit} deliveries that are due, for {@code leaseSeconds}:
	 * another node takes them again only if this one has not answered by then (it
	 * stopped).
	 */
	List<PendingLogout> claimDue(int limit, int leaseSeconds) {
		return this.jdbc.sql("""
				UPDATE backchannel_logouts SET attempts = attempts + 1,
				  next_attempt_at = now() + make_interval(secs => :lease)
				WHERE id IN (
				  SELECT id FROM backchannel_logouts
				  WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
				  ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED)
				RETURNING id, registered_client_id, subject, session_id, reason, attempts""")
			.param("lease", leaseSeconds)
			.param("limit", limit)
			.query((rs, row) -> new PendingLogout(rs.getLong("id"), rs.getString("registered_client_id"),
					rs.getString("subject"), rs.getString("session_id"), rs.getString("reason"), rs.getInt("attempts")))
			.list();
	}

	void delivered(long id) {
		this.jdbc.sql("UPDATE backchannel_logouts SET delivered_at = now(), last_error = NULL WHERE id = ?")
			.param(id)
			.update();
	}

	void retryIn(long id, int seconds, String error) {
		this.jdbc
			.sql("UPDATE backchannel_logouts SET next_attempt_at = now() + make_interval(secs => ?), last_error = ?"
					+ " WHERE id = ?")
			.params(seconds, error, id)
			.update();
	}

	void failed(long id, String error) {
		this.jdbc.sql("UPDATE backchannel_logouts SET failed_at = now(), last_error = ? WHERE id = ?")
			.params(error, id)
			.update();
	}

	/** Forgets deliveries that ended (delivered or given up) more than a day ago. */
	int purgeEnded() {
		return this.jdbc.sql("""
				DELETE FROM backchannel_logouts
				WHERE coalesce(delivered_at, failed_at) < now() - interval '1 day'""").update();
	}

	/**
	 * A logout token to deliver.
	 *
	 * @param id the row
	 * @param registeredClientId the client's internal id
	 * @param subject the user's {@code sub}
	 * @param sessionId the ended session's {@code sid}
	 * @param reason why the session ended
	 * @param attempts how many times it was taken, this one included
	 */
	record PendingLogout(long id, String registeredClientId, String subject, String sessionId, String reason,
			int attempts) {
	}

}
