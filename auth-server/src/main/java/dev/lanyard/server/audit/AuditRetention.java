package dev.lanyard.server.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.storage.TablePurges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes audit events older than {@code lanyard.admin.audit-retention}, once an hour on
 * one node, when it is set (by default every event is kept: many operators must keep them
 * for years, and archive them elsewhere first). Without it the table only grows.
 */
@Component
class AuditRetention {

	private static final Logger logger = LoggerFactory.getLogger(AuditRetention.class);

	private final JdbcClient jdbc;

	private final TablePurges purges;

	private final Duration retention;

	private final Clock clock;

	AuditRetention(JdbcClient jdbc, TablePurges purges, LanyardProperties properties, Clock clock) {
		this.jdbc = jdbc;
		this.purges = purges;
		this.retention = properties.admin().auditRetention();
		this.clock = clock;
	}

	@Scheduled(initialDelayString = "PT6M", fixedDelayString = "PT1H")
	void purge() {
		if (this.retention == null) {
			return;
		}
		this.purges.inBackground("audit-events", Duration.ofHours(1), () -> {
			int deleted = TablePurges.deleteInBatches(this.jdbc, "audit_events", "occurred_at < :cutoff", "occurred_at",
					Map.of("cutoff", Timestamp.from(this.clock.instant().minus(this.retention))));
			if (deleted > 0) {
				logger.info("Deleted {} audit events older than {}", deleted, this.retention);
			}
		});
	}

}
