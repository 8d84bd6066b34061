package dev.lanyard.server.client;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.lanyard.server.storage.TablePurges;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * The client assertions ({@code jti} per client) already used, in PostgreSQL so every
 * node sees the same set (RFC 7523 §3, RFC 9700 §2.5: an assertion is good for one
 * request). A row is kept until its assertion has expired. Thread-safe.
 */
@Repository
public class ClientAssertionReplays {

	/** How long a row outlives its assertion. */
	static final Duration PURGE_MARGIN = Duration.ofMinutes(10);

	private final JdbcClient jdbc;

	private final Clock clock;

	private final TablePurges purges;

	public ClientAssertionReplays(JdbcClient jdbc, Clock clock, TablePurges purges) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.purges = purges;
	}

	/**
	 * Records that a client used an assertion; {@code false} if it (or another node) had
	 * recorded it before. Atomic across nodes: the primary key decides.
	 * @param keepUntil when the assertion expires (clock skew included)
	 */
	public boolean firstUse(String clientId, String jti, Instant keepUntil) {
		return this.jdbc.sql("""
				INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES (?, ?, ?)
				ON CONFLICT (client_id, jti) DO NOTHING""")
			.params(clientId, jti, Timestamp.from(keepUntil))
			.update() == 1;
	}

	/**
	 * Forgets the assertions that expired more than {@link #PURGE_MARGIN} ago: they are
	 * refused by their time anyway, and the margin covers nodes whose clocks run behind
	 * the purging one's.
	 */
	@Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT10M")
	public void purgeExpired() {
		this.purges.inBackground("client-assertion-ids", Duration.ofMinutes(10),
				() -> TablePurges.deleteInBatches(this.jdbc, "client_assertion_jtis", "expires_at < :cutoff",
						"expires_at", Map.of("cutoff", Timestamp.from(this.clock.instant().minus(PURGE_MARGIN)))));
	}

}
