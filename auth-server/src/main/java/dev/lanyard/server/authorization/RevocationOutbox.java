package dev.lanyard.server.authorization;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.storage.SqlValues;
import dev.lanyard.server.storage.TablePurges;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Revocations waiting to reach every node's token cache and every gateway, in PostgreSQL.
 * A revocation writes its rows in the transaction that revokes, so a crash, a Redis
 * outage or a revoking node cut off from Redis loses none; whichever node can reach Redis
 * relays them ({@code RevocationChannel}). Thread-safe.
 */
public class RevocationOutbox {

	/**
	 * At most this many token hashes (and session ids) in one row, and so in one message.
	 */
	public static final int MAXIMUM_PER_MESSAGE = 1000;

	private final JdbcClient jdbc;

	/**
	 * The reason of a revocation that names no token: a signing key was withdrawn, and
	 * gateways drop the JWTs it signed ({@link #addKeyWithdrawal}).
	 */
	public static final String SIGNING_KEY_WITHDRAWN = "signing_key_withdrawn";

	public RevocationOutbox(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records a revocation, in as many rows as its size needs.
	 * @param cacheApplied whether the token cache already holds it
	 */
	public void add(List<String> tokenHashes, List<String> sessionIds, String reason, boolean cacheApplied) {
		int rows = Math.max(1, Math.max(chunks(tokenHashes), chunks(sessionIds)));
		for (int i = 0; i < rows; i++) {
			this.jdbc.sql("""
					INSERT INTO revocation_outbox (token_hashes, session_ids, reason, cache_applied)
					VALUES (?, ?, ?, ?)""")
				.params(SqlValues.of(chunk(tokenHashes, i)), SqlValues.of(chunk(sessionIds, i)), reason, cacheApplied)
				.update();
		}
	}

	/**
	 * Records that a signing key which signed was withdrawn: every service refuses what
	 * it signed, so gateways drop the JWTs they hold of it, and cache none it signs later
	 * (a node may sign with it until it re-reads its keys, within a second).
	 * @param kid the key's id
	 */
	public void addKeyWithdrawal(String kid) {
		this.jdbc.sql("""
				INSERT INTO revocation_outbox (token_hashes, session_ids, reason, cache_applied, signing_key_id)
				VALUES ('{}', '{}', ?, TRUE, ?)""").params(SIGNING_KEY_WITHDRAWN, kid).update();
	}

	/**
	 * Locks up to {@code limit} rows still to be relayed, skipping rows another node is
	 * relaying; call inside a transaction, which {@link #relayed} ends.
	 */
	public List<Revocation> claimPending(int limit) {
		return this.jdbc.sql("""
				SELECT * FROM revocation_outbox WHERE NOT published OR NOT cache_applied
				ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED""").param(limit).query(this::map).list();
	}

	/** Marks a row relayed: cache invalidated (or not), message published (or not). */
	public void relayed(long id, boolean cacheApplied, boolean published) {
		this.jdbc.sql("UPDATE revocation_outbox SET cache_applied = ?, published = ? WHERE id = ?")
			.params(cacheApplied, published, id)
			.update();
	}

	/** Rows added after {@code id}, oldest first: what this node has not seen yet. */
	public List<Revocation> after(long id, int limit) {
		return this.jdbc.sql("SELECT * FROM revocation_outbox WHERE id > ? ORDER BY id LIMIT ?")
			.params(id, limit)
			.query(this::map)
			.list();
	}

	/**
	 * The rows among these ids that exist now, oldest first: ids once skipped because
	 * their transaction had not committed yet.
	 */
	public List<Revocation> withIds(Collection<Long> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return this.jdbc.sql("SELECT * FROM revocation_outbox WHERE id = ANY (?) ORDER BY id")
			.param(ids.toArray(Long[]::new))
			.query(this::map)
			.list();
	}

	/** The ids of the rows visible now in {@code (from, to]}. */
	public List<Long> idsBetween(long from, long to) {
		return this.jdbc.sql("SELECT id FROM revocation_outbox WHERE id > ? AND id <= ? ORDER BY id")
			.params(from, to)
			.query(Long.class)
			.list();
	}

	/** The oldest row's id (older ones were purged); 0 when there is none. */
	public long firstId() {
		return this.jdbc.sql("SELECT coalesce(min(id), 0) FROM revocation_outbox").query(Long.class).single();
	}

	/**
	 * The last id the outbox's sequence gave (committed or not): it only grows, unless
	 * the database was restored from a backup or failed over to a replica that lost
	 * commits.
	 */
	public long lastIdGiven() {
		return this.jdbc.sql("SELECT last_value FROM revocation_outbox_id_seq").query(Long.class).single();
	}

	/**
	 * Has the token cache take again the revocations of tokens recorded since
	 * {@code cutoff} (the relay writes them once more; a revoked token's entry is final,
	 * so writing it twice changes nothing). For a Redis that may have lost them: a
	 * replica promoted after its primary failed may lack the last writes the primary had
	 * acknowledged (replication is asynchronous), among them revocations, and would
	 * answer those tokens as active from the entries it had until they expire.
	 * @param back how far back from the database's now (the rows' own clock, not this
	 * node's): an entry the cache holds is at most its lifetime old
	 * @return how many rows were marked
	 */
	public int reapplyToCacheWithin(Duration back) {
		return this.jdbc
			.sql("""
					UPDATE revocation_outbox SET cache_applied = FALSE
					WHERE created_at > now() - make_interval(secs => ?) AND cache_applied AND cardinality(token_hashes) > 0""")
			.param((double) back.toMillis() / 1000)
			.update();
	}

	/** The newest row's id; 0 when there is none. */
	public long lastId() {
		return this.jdbc.sql("SELECT coalesce(max(id), 0) FROM revocation_outbox").query(Long.class).single();
	}

	/**
	 * Whether some revocation has not reached the token cache yet (its entries may be
	 * stale).
	 */
	public boolean cacheBehind() {
		// The pending rows' partial index, in its order: a day of relayed rows is never
		// read, whatever PostgreSQL knows of the table. An EXISTS of "NOT cache_applied"
		// alone was planned as a scan that stops at the first match, which reads every
		// row when none is pending (RequestPathPlansTest).
		return this.jdbc.sql("""
				SELECT id FROM revocation_outbox
				WHERE (NOT published OR NOT cache_applied) AND NOT cache_applied
				ORDER BY id LIMIT 1""").query(Long.class).optional().isPresent();
	}

	/** Deletes relayed rows older than the cutoff. */
	public int purgeRelayedBefore(Instant cutoff) {
		return TablePurges.deleteInBatches(this.jdbc, "revocation_outbox",
				"created_at < :cutoff AND published AND cache_applied", "created_at",
				Map.of("cutoff", Timestamp.from(cutoff)));
	}

	private Revocation map(ResultSet rs, int row) throws SQLException {
		return new Revocation(rs.getLong("id"), SqlValues.toList(rs.getArray("token_hashes")),
				SqlValues.toList(rs.getArray("session_ids")), rs.getString("reason"), rs.getString("signing_key_id"),
				rs.getBoolean("cache_applied"), rs.getBoolean("published"));
	}

	private static int chunks(List<String> values) {
		return (values.size() + MAXIMUM_PER_MESSAGE - 1) / MAXIMUM_PER_MESSAGE;
	}

	private static List<String> chunk(List<String> values, int index) {
		int from = Math.min(values.size(), index * MAXIMUM_PER_MESSAGE);
		return values.subList(from, Math.min(values.size(), from + MAXIMUM_PER_MESSAGE));
	}

	/**
	 * One recorded revocation message.
	 *
	 * @param id its place in the outbox
	 * @param tokenHashes SHA-256 hashes of the access tokens that stopped working
	 * @param sessionIds login sessions of the revoked grants
	 * @param reason why
	 * @param signingKeyId the signing key withdrawn, for {@link #SIGNING_KEY_WITHDRAWN}
	 * (none in a row an earlier version wrote); else {@code null}
	 * @param cacheApplied whether the token cache holds it
	 * @param published whether it went out on the revocation channel
	 */
	public record Revocation(long id, List<String> tokenHashes, List<String> sessionIds, String reason,
			String signingKeyId, boolean cacheApplied, boolean published) {

		/**
		 * The message gateways get, on the revocation channel and the revocation stream:
		 * {@code {"token_hashes":[…],"session_ids":[…],"reason":"…"}}. A signing key
		 * withdrawn adds {@code "kid":"…"} (drop the JWTs that key signed, and cache none
		 * it signs later) and {@code "drop_all":true} for gateways of an earlier version,
		 * which drop every JWT (and for a withdrawal recorded without its key, every
		 * gateway does); a gateway that knows neither member finds no token named.
		 */
		public Map<String, Object> message() {
			Map<String, Object> message = new LinkedHashMap<>();
			message.put("token_hashes", this.tokenHashes);
			message.put("session_ids", this.sessionIds);
			message.put("reason", this.reason);
			if (SIGNING_KEY_WITHDRAWN.equals(this.reason)) {
				message.put("drop_all", true);
				if (this.signingKeyId != null) {
					message.put("kid", this.signingKeyId);
				}
			}
			return message;
		}

	}

}
