package dev.lanyard.server.logout;

import java.sql.Timestamp;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lanyard.server.authorization.SessionEndObserver;
import dev.lanyard.server.storage.TablePurges;

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
	public boolean endsSessions(String reason) {
		return SESSION_ENDING.contains(reason);
	}

	@Override
	public void sessionsEnded(List<EndedGrant> grants, String reason) {
		for (EndedGrant grant : grants) {
			// Only clients that registered a back-channel logout URI; one pending row per
			// client and session however many of its grants end; and not again for a
			// session the client was told about after its last grant (a grant since then
			// means the client's session began again).
			this.jdbc.sql("""
					INSERT INTO backchannel_logouts (registered_client_id, subject, session_id, reason)
					SELECT c.id, :subject, :session, :reason FROM oauth_clients c
					WHERE c.id = :client AND c.backchannel_logout_uri IS NOT NULL AND c.enabled
					  AND NOT EXISTS (SELECT 1 FROM backchannel_logouts b
					    WHERE b.registered_client_id = c.id AND b.session_id = :session
					      AND b.created_at >= :lastGrant)
					ON CONFLICT (registered_client_id, session_id) WHERE delivered_at IS NULL AND failed_at IS NULL
					DO NOTHING""")
				.param("subject", grant.subject())
				.param("session", grant.sessionId())
				.param("reason", reason)
				.param("client", grant.registeredClientId())
				.param("lastGrant", Timestamp.from(grant.lastGrantAt()))
				.update();
		}
	}

	/**
	 * Takes up to {@code limit} deliveries that are due, for {@code leaseSeconds}:
	 * another node takes them again only if this one has not answered by then (it
	 * stopped). None of the clients named busy: the caller claims a few at a time and
	 * names the clients that have as many sends under way as they may, so that the
	 * deliveries of a client whose endpoint stalls never fill every slot ahead of the
	 * others'.
	 * @param busy registered client ids (not client ids) to take none of
	 */
	List<PendingLogout> claimDue(int limit, int leaseSeconds, Collection<String> busy) {
		return this.jdbc.sql("""
				UPDATE backchannel_logouts SET attempts = attempts + 1,
				  next_attempt_at = now() + make_interval(secs => :lease)
				WHERE id IN (
				  SELECT id FROM backchannel_logouts
				  WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
				    AND NOT (registered_client_id = ANY (:busy))
				  ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED)
				RETURNING id, registered_client_id, subject, session_id, reason, attempts""")
			.param("lease", leaseSeconds)
			.param("limit", limit)
			.param("busy", busy.toArray(String[]::new))
			.query((rs, row) -> new PendingLogout(rs.getLong("id"), rs.getString("registered_client_id"),
					rs.getString("subject"), rs.getString("session_id"), rs.getString("reason"), rs.getInt("attempts")))
			.list();
	}

	// Outcomes apply only to the attempt that was claimed: a node that answers after its
	// lease ran out and another node took the row does not overwrite the newer outcome.

	void delivered(PendingLogout pending) {
		this.jdbc
			.sql("UPDATE backchannel_logouts SET delivered_at = now(), last_error = NULL"
					+ " WHERE id = ? AND attempts = ?")
			.params(pending.id(), pending.attempts())
			.update();
	}

	void retryIn(PendingLogout pending, int seconds, String error) {
		this.jdbc
			.sql("UPDATE backchannel_logouts SET next_attempt_at = now() + make_interval(secs => ?), last_error = ?"
					+ " WHERE id = ? AND attempts = ?")
			.params(seconds, error, pending.id(), pending.attempts())
			.update();
	}

	void failed(PendingLogout pending, String error) {
		this.jdbc.sql("UPDATE backchannel_logouts SET failed_at = now(), last_error = ? WHERE id = ? AND attempts = ?")
			.params(error, pending.id(), pending.attempts())
			.update();
	}

	/** Forgets deliveries that ended (delivered or given up) more than a day ago. */
	int purgeEnded() {
		// The condition and order of the backchannel_logouts_ended_at index (V36).
		return TablePurges.deleteInBatches(this.jdbc, "backchannel_logouts", """
				(delivered_at IS NOT NULL OR failed_at IS NOT NULL)
				  AND coalesce(delivered_at, failed_at) < now() - interval '1 day'""",
				"coalesce(delivered_at, failed_at)", Map.of());
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
