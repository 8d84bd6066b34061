package dev.lanyard.server;

import java.time.Duration;

import javax.sql.DataSource;

import org.awaitility.Awaitility;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Statements of this test's database waiting for a lock: a test holds a table so that two
 * requests overlap as they would by chance, and lets go once both wait.
 */
public final class LockWaits {

	private LockWaits() {
	}

	/**
	 * How many statements on the table, or taking a person's row lock, wait for a lock.
	 */
	public static int waiting(DataSource database, String table) {
		return JdbcClient.create(database)
			.sql("""
					SELECT count(*) FROM pg_stat_activity
					WHERE wait_event_type = 'Lock' AND datname = current_database()
					AND (query LIKE '%' || ? || '%' OR query LIKE '%FROM users WHERE id%')""")
			.param(table)
			.query(Integer.class)
			.single();
	}

	/** Waits (up to 10 s, failing after) until {@code count} such statements wait. */
	public static void await(DataSource database, String table, int count) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.alias(count + " statements waiting on " + table)
			.until(() -> waiting(database, table) >= count);
	}

	/** Waits (up to 10 s, failing after) until none waits any more. */
	public static void awaitNone(DataSource database, String table) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.alias("no statement waiting on " + table)
			.until(() -> waiting(database, table) == 0);
	}

}
