package dev.lanyard.server.storage;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * How the scheduled purges of the shared tables run: on one node per period, on a thread
 * of their own, and in short statements that walk an index oldest first.
 * <p>
 * One node: every node schedules each purge, and ShedLock (its JDBC provider, on the
 * {@code scheduled_job_locks} table, with the database's clock rather than the nodes')
 * lets one of them run it per period. Nodes purging at once only waited on each other's
 * row locks. A node that dies mid-purge holds the job for one period at most.
 * <p>
 * A thread of their own ({@link #inBackground}): the scheduler's few threads also relay
 * revocations and re-read signing keys every second, which a purge working off a backlog
 * must not hold up. Purges wait for each other there; a purge still waiting or running is
 * not queued twice.
 * <p>
 * Short statements: one statement deletes at most {@link #BATCH} rows, so a backlog
 * neither holds its locks long nor outlives the connection's read timeout (a few seconds,
 * so that an outage is noticed at once), which ended a purge and with it the rest of the
 * period's; and one run deletes at most {@link #MOST_BATCHES_PER_RUN} batches a table,
 * the rest going at the next period. Each condition must be served by an index
 * ({@code ScheduledPurgesTest} holds every purge to it). Thread-safe.
 */
@Component
public class TablePurges implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(TablePurges.class);

	/** Most rows one statement deletes. */
	public static final int BATCH = 1000;

	/**
	 * Most statements of {@link #BATCH} rows one run sends a table (a million rows: a
	 * minute or two of PostgreSQL's time).
	 */
	public static final int MOST_BATCHES_PER_RUN = 1000;

	private final LockingTaskExecutor locks;

	private final ExecutorService thread = Executors.newSingleThreadExecutor((runnable) -> {
		Thread purging = new Thread(runnable, "lanyard-purge");
		purging.setDaemon(true);
		return purging;
	});

	/** The jobs waiting for the purge thread or running on it. */
	private final Set<String> queued = ConcurrentHashMap.newKeySet();

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
	 * Queues a purge on the purge thread, to run there {@link #onOneNode}; a failure
	 * (PostgreSQL unreachable) is logged, and the next period catches up.
	 * @return whether it was queued (not when it already waits or runs)
	 */
	public boolean inBackground(String job, Duration period, Runnable purge) {
		if (!this.queued.add(job)) {
			return false;
		}
		try {
			this.thread.execute(() -> {
				try {
					onOneNode(job, period, purge);
				}
				catch (RuntimeException ex) {
					logger.warn("Could not purge {}: {}", job, ex.getMessage());
				}
				finally {
					this.queued.remove(job);
				}
			});
			return true;
		}
		catch (RejectedExecutionException ex) {
			// Shutting down.
			this.queued.remove(job);
			return false;
		}
	}

	/** Whether no purge waits or runs here (for tests). */
	boolean idle() {
		return this.queued.isEmpty();
	}

	@Override
	public void destroy() {
		this.thread.shutdownNow();
	}

	/**
	 * Runs {@code purge} here unless another node runs it now or ran it less than about
	 * one {@code period} ago (nine tenths of it, so that a node whose schedule drifted a
	 * little behind still finds the job free when its turn comes).
	 * @return whether it ran here
	 */
	boolean onOneNode(String job, Duration period, Runnable purge) {
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
	 * {@link #BATCH} per statement and {@link #MOST_BATCHES_PER_RUN} statements, each
	 * committed on its own.
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
		// The condition is repeated outside: a row changed meanwhile is deleted only if
		// its new version still meets it (not every PostgreSQL version's TID scan checks
		// a changed row's new version against the list again).
		String sql = "DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + table + " WHERE "
				+ condition + ((order != null) ? " ORDER BY " + order : "") + " LIMIT " + BATCH + ")) AND (" + condition
				+ ")";
		int total = 0;
		int deleted;
		int statements = 0;
		do {
			deleted = jdbc.sql(sql).params(parameters).update();
			total += deleted;
		}
		while (deleted == BATCH && ++statements < MOST_BATCHES_PER_RUN);
		return total;
	}

}
