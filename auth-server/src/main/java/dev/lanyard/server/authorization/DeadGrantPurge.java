package dev.lanyard.server.authorization;

import java.time.Duration;
import java.time.Instant;

import dev.lanyard.server.storage.TablePurges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the grant table from growing without bound: once an hour, one node deletes grants
 * that have had nothing presentable for a week (their tokens expired or revoked), and the
 * revocations relayed more than a day ago. The week keeps recent history visible to
 * operators in the sessions view.
 */
@Component
class DeadGrantPurge {

	private static final Logger logger = LoggerFactory.getLogger(DeadGrantPurge.class);

	static final Duration RETENTION = Duration.ofDays(7);

	/**
	 * How long relayed revocations stay in the outbox (for operators looking into one).
	 */
	static final Duration RELAYED_REVOCATION_RETENTION = Duration.ofDays(1);

	private final JdbcAuthorizationRows rows;

	private final RevocationOutbox outbox;

	private final TablePurges purges;

	DeadGrantPurge(JdbcAuthorizationRows rows, RevocationOutbox outbox, TablePurges purges) {
		this.rows = rows;
		this.outbox = outbox;
		this.purges = purges;
	}

	@Scheduled(initialDelayString = "PT5M", fixedDelayString = "PT1H")
	void purge() {
		this.purges.inBackground("dead-grants", Duration.ofHours(1), () -> {
			this.outbox.purgeRelayedBefore(Instant.now().minus(RELAYED_REVOCATION_RETENTION));
			int deleted = this.rows.purgeDead(RETENTION);
			if (deleted > 0) {
				logger.info("Deleted {} grants with nothing left to present", deleted);
			}
		});
	}

}
