package dev.lanyard.server.storage;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lanyard.server.DeletesPerStatement;
import dev.lanyard.server.RepositorySliceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the scheduled purges delete: one node per period (two {@link TablePurges} on one
 * database stand for two nodes), and in statements of at most {@link TablePurges#BATCH}
 * rows.
 */
@RepositorySliceTest
class TablePurgesTest {

	private static final Duration HOUR = Duration.ofHours(1);

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private JdbcTemplate jdbcTemplate;

	private TablePurges nodeA;

	private TablePurges nodeB;

	// The lock rows are committed on their own (ShedLock's own transactions), so the
	// tests of them run outside the test's transaction, and each names its own job.
	private final String job = "job-" + UUID.randomUUID();

	@BeforeEach
	void setUp() {
		this.nodeA = new TablePurges(this.jdbcTemplate, "node-a");
		this.nodeB = new TablePurges(this.jdbcTemplate, "node-b");
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void onOneNodeWhenAnotherNodeRanItWithinThePeriodThenItDoesNotRunAgain() {
		AtomicInteger runs = new AtomicInteger();

		assertThat(this.nodeA.onOneNode(this.job, HOUR, runs::incrementAndGet)).isTrue();
		assertThat(this.nodeB.onOneNode(this.job, HOUR, runs::incrementAndGet)).isFalse();
		assertThat(this.nodeA.onOneNode(this.job, HOUR, runs::incrementAndGet)).isFalse();
		assertThat(runs).hasValue(1);
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void onOneNodeWhileAnotherNodeRunsItThenItDoesNotRunThere() {
		AtomicInteger runs = new AtomicInteger();

		assertThat(this.nodeA.onOneNode(this.job, HOUR, () -> {
			runs.incrementAndGet();
			// Node B is another thread (ShedLock lets the thread holding a lock in
			// again).
			assertThat(CompletableFuture.supplyAsync(() -> this.nodeB.onOneNode(this.job, HOUR, runs::incrementAndGet))
				.join()).isFalse();
			// A node that dies here holds the job one period at most.
			assertThat(this.jdbc.sql("SELECT lock_until - locked_at FROM scheduled_job_locks WHERE name = ?")
				.param(this.job)
				.query(String.class)
				.single()).isEqualTo("01:00:00");
		})).isTrue();
		assertThat(runs).hasValue(1);
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void onOneNodeWhenThePeriodHasPassedThenTheNextNodeRunsIt() {
		AtomicInteger runs = new AtomicInteger();
		assertThat(this.nodeA.onOneNode(this.job, HOUR, runs::incrementAndGet)).isTrue();
		// Nine tenths of the period later: a node whose schedule drifted behind finds it
		// free.
		this.jdbcTemplate.update("UPDATE scheduled_job_locks SET lock_until = lock_until - interval '54 minutes', "
				+ "locked_at = locked_at - interval '54 minutes' WHERE name = ?", this.job);

		assertThat(this.nodeB.onOneNode(this.job, HOUR, runs::incrementAndGet)).isTrue();
		assertThat(runs).hasValue(2);
		assertThat(this.jdbc.sql("SELECT locked_by FROM scheduled_job_locks WHERE name = ?")
			.param(this.job)
			.query(String.class)
			.single()).isEqualTo("node-b");
	}

	@Test
	void deleteInBatchesWhenABacklogThenOnlyMatchingRowsGoAndNoStatementDeletesMoreThanABatch() {
		Instant now = Instant.now();
		this.jdbc
			.sql("""
					INSERT INTO dpop_proof_jtis (jti_hash, expires_at)
					SELECT 'expired-' || n, CAST(:now AS timestamptz) - n * interval '1 second' FROM generate_series(1, 2500) n""")
			.param("now", Timestamp.from(now))
			.update();
		this.jdbc
			.sql("""
					INSERT INTO dpop_proof_jtis (jti_hash, expires_at)
					SELECT 'valid-' || n, CAST(:now AS timestamptz) + n * interval '1 second' FROM generate_series(1, 10) n""")
			.param("now", Timestamp.from(now))
			.update();
		DeletesPerStatement deletes = DeletesPerStatement.on(this.jdbc, "dpop_proof_jtis");

		int deleted = TablePurges.deleteInBatches(this.jdbc, "dpop_proof_jtis", "expires_at < :cutoff", "expires_at",
				Map.of("cutoff", Timestamp.from(now)));

		assertThat(deleted).isEqualTo(2500);
		assertThat(deletes.counts("dpop_proof_jtis")).containsExactly(1000L, 1000L, 500L);
		assertThat(this.jdbc.sql("SELECT count(*) FROM dpop_proof_jtis WHERE jti_hash LIKE 'valid-%'")
			.query(Long.class)
			.single()).isEqualTo(10);
		assertThat(this.jdbc.sql("SELECT count(*) FROM dpop_proof_jtis WHERE jti_hash LIKE 'expired-%'")
			.query(Long.class)
			.single()).isZero();
	}

}
