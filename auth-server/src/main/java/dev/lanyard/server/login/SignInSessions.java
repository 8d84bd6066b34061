package dev.lanyard.server.login;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.server.storage.TablePurges;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * Where each person is signed in: a row per sign-in session (its {@code sid}), written
 * when the session begins, touched at most once a minute while it is used
 * ({@link dev.lanyard.server.user.JdbcUserAccountRepository#standing}), and ended by the
 * person from their account page. An ended session is signed out at its next request on
 * every node ({@link ActiveAccountFilter}); its grants are revoked by whoever ends it.
 */
@Repository
public class SignInSessions {

	/** How long a session's row is kept after its last use. */
	static final Duration KEPT = Duration.ofDays(30);

	/** The most sessions the account page lists. */
	static final int LISTED = 20;

	private final JdbcClient jdbc;

	private final Clock clock;

	private final TablePurges purges;

	SignInSessions(JdbcClient jdbc, Clock clock, TablePurges purges) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.purges = purges;
	}

	/**
	 * One sign-in session of a person, as their account page shows it.
	 *
	 * @param sid its identifier
	 * @param signedInAt when the person last signed in (or stepped up) in it
	 * @param lastSeenAt when it was last used (to the minute)
	 * @param address the client address at sign-in
	 * @param device the browser's User-Agent at sign-in, shortened, or {@code null}
	 */
	public record SignInSession(String sid, Instant signedInAt, Instant lastSeenAt, String address, String device) {
	}

	/**
	 * Records a sign-in (a new session, or a new sign-in in the same one). When it was
	 * made and last used are the database's time, like the ends of every sign-in the
	 * person's list of sessions is compared with ({@link #active}), and the updates of
	 * {@code last_seen_at}.
	 */
	void begun(String sid, UUID userId, String identityProvider, String address, String device) {
		this.jdbc
			.sql("""
					INSERT INTO sign_in_sessions (sid, user_id, signed_in_at, last_seen_at, address, device, identity_provider)
					VALUES (?, ?, now(), now(), ?, ?, ?)
					ON CONFLICT (sid) DO UPDATE SET signed_in_at = EXCLUDED.signed_in_at, last_seen_at = EXCLUDED.last_seen_at,
					identity_provider = EXCLUDED.identity_provider
					WHERE sign_in_sessions.user_id = EXCLUDED.user_id""")
			.params(sid, userId, address, device, identityProvider)
			.update();
	}

	/**
	 * Ends the sessions whose last sign-in came through an identity provider, of everyone
	 * or of one person (the provider disabled or deleted; the person's identity there
	 * unlinked). The table is read whole for everyone's: a rare administrative change.
	 * @param userId the person's, or {@code null} for everyone's
	 * @return how many ended
	 */
	public int endThroughIdentityProvider(String providerId, UUID userId) {
		return this.jdbc.sql("""
				UPDATE sign_in_sessions SET ended_at = ?
				WHERE identity_provider = ? AND (CAST(? AS UUID) IS NULL OR user_id = ?) AND ended_at IS NULL""")
			.params(Timestamp.from(this.clock.instant()), providerId, userId, userId)
			.update();
	}

	/**
	 * The person's sessions that still go on: not ended, used within the idle timeout,
	 * and not begun before every earlier sign-in was ended; the current one always.
	 * @param notBefore when the person's earlier sign-ins were ended, or {@code null}
	 * @param idleTimeout the login session's idle timeout
	 * @param current the asking session's sid
	 */
	public List<SignInSession> active(UUID userId, Instant notBefore, Duration idleTimeout, String current) {
		return this.jdbc
			.sql("""
					SELECT sid, signed_in_at, last_seen_at, address, device FROM sign_in_sessions
					WHERE user_id = ? AND ended_at IS NULL
					  AND (sid = ? OR last_seen_at > now() - make_interval(secs => ?) AND (CAST(? AS TIMESTAMPTZ) IS NULL OR signed_in_at >= ?))
					ORDER BY sid = ? DESC, last_seen_at DESC LIMIT ?""")
			.params(userId, current, (double) idleTimeout.toSeconds(),
					(notBefore != null) ? Timestamp.from(notBefore) : null,
					(notBefore != null) ? Timestamp.from(notBefore) : null, current, LISTED)
			.query((rs, row) -> new SignInSession(rs.getString("sid"), rs.getTimestamp("signed_in_at").toInstant(),
					rs.getTimestamp("last_seen_at").toInstant(), rs.getString("address"), rs.getString("device")))
			.list();
	}

	/**
	 * Ends one of the person's sessions.
	 * @return whether it was theirs and still going on
	 */
	public boolean end(UUID userId, String sid) {
		return this.jdbc
			.sql("UPDATE sign_in_sessions SET ended_at = ? WHERE sid = ? AND user_id = ? AND ended_at IS NULL")
			.params(Timestamp.from(this.clock.instant()), sid, userId)
			.update() == 1;
	}

	/**
	 * Ends every session of the person but one.
	 * @return how many ended
	 */
	public int endAllBut(UUID userId, String kept) {
		return this.jdbc.sql(
				"UPDATE sign_in_sessions SET ended_at = ? WHERE user_id = ? AND sid IS DISTINCT FROM ? AND ended_at IS NULL")
			.params(Timestamp.from(this.clock.instant()), userId, kept)
			.update();
	}

	/**
	 * Ends a session that signed out, so the person's list no longer shows it.
	 */
	public void signedOut(String sid) {
		this.jdbc.sql("UPDATE sign_in_sessions SET ended_at = ? WHERE sid = ? AND ended_at IS NULL")
			.params(Timestamp.from(this.clock.instant()), sid)
			.update();
	}

	/** Forgets sessions unused for {@link #KEPT}. */
	@Scheduled(initialDelayString = "PT4M", fixedDelayString = "PT1H")
	public void purge() {
		this.purges.inBackground("sign-in-sessions", Duration.ofHours(1),
				() -> TablePurges.deleteInBatches(this.jdbc, "sign_in_sessions", "last_seen_at < :cutoff",
						"last_seen_at", Map.of("cutoff", Timestamp.from(this.clock.instant().minus(KEPT)))));
	}

}
