package dev.lanyard.server.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How the scheduled purges of the shared tables delete: on one node per period, and in
 * short statements that walk an index oldest first.
 * <p>
 * One node: every node schedules each purge, and ShedLock (its JDBC provider, on the
 * {@code scheduled_job_locks} table, with the database's clock rather than the nodes')
 * lets one of them run it per period. Nodes purging at once only waited on each other's
 * row locks. A node that dies mid-purge holds the job for one period at most.
 * <p>
 * Short statements: one statement deletes at most {@link #BATCH} rows, so a backlog
 * neither holds its locks long nor outlives the connection's read timeout (a few seconds,
 * so that an outage is noticed at once), which ended a purge and with it the rest of the
 * period's. Each condition must be served by an index in the order given
 * ({@code RequestPathPlansTest} and {@code TablePurgesTest} hold the purges to it).
 * Thread-safe.
 */
@Component
public class TablePurges {

	/** Most rows one statement deletes. */
	public static final int BATCH = 1000;

	private final LockingTaskExecutor locks;

	@Autowired
	public TablePurges(JdbcTemplate jdbcTemplate) {
		this(jdbcTemplate, null);
	}

	/**
	 * @param lockedBy how this node is named in the lock table; {@code null} for the
	 * host's name
	 */
	TablePurges(JdbcTemplate jdbcTemplate, String lockedBy) {
		JdbcTemplateLockProvider.Configuration.Builder configuration = JdbcTemplateLockProvider.Configuration.builder()
			.withJdbcTemplate(jdbcTemplate)
			.withTableName("scheduled_job_locks")
			.usingDbTime();
		if (lockedBy != null) {
			configuration.withLockedByValue(lockedBy);
		}
		this.locks = new DefaultLockingTaskExecutor(new JdbcTemplateLockProvider(configuration.build()));
	}

	/**
	 * Runs {@code purge} here unless another node runs it now or ran it less than about
	 * one {@code period} ago (nine tenths of it, so that a node whose schedule drifted a
	 * little behind still finds the job free when its turn comes).
	 * @return whether it ran here
	 */
	public boolean onOneNode(String job, Duration period, Runnable purge) {
		LockConfiguration lock = new LockConfiguration(Instant.now(), job, period,
				period.multipliedBy(9).dividedBy(10));
		try {
			return this.locks.executeWithLock(() -> {
				purge.run();
				return null;
			}, lock).wasExecuted();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Deletes the rows of {@code table} that meet {@code condition}, at most
	 * {@link #BATCH} per statement, each statement committed on its own.
	 * @param condition an SQL condition with named parameters
	 * @param order the order in which rows go (the index's expression), or {@code null}
	 * for any order
	 * @param parameters the condition's parameters
	 * @return how many rows were deleted
	 */
	public static int deleteInBatches(JdbcClient jdbc, String table, String condition, String order,
			Map<String, ?> parameters) {
		// A row's ctid names it within the statement's snapshot: the subquery walks the
		// index and stops after BATCH rows, and the delete reaches each by a TID scan.
		String sql = "DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + table + " WHERE "
				+ condition + ((order != null) ? " ORDER BY " + order : "") + " LIMIT " + BATCH + "))";
		int total = 0;
		int deleted;
		do {
			deleted = jdbc.sql(sql).params(parameters).update();
			total += deleted;
		}
		while (deleted == BATCH);
		return total;
	}

}
