package dev.lanyard.server.storage;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.TestBackends;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Migrations run with a read timeout they can live with, while the pool keeps its few
 * seconds for everything else; and they do not hold requests up behind a table they wait
 * for.
 */
class MigrationConnectionsTest {

	@Test
	void startWhenAMigrationStatementOutlastsThePoolsReadTimeoutThenTheNodeMigratesAndStarts() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("spring.datasource.url", TestBackends.newDatabase());
		deployment.put("spring.flyway.locations", "classpath:db/migration,classpath:db/slow-migration");
		try (LanyardTestServer node = LanyardTestServer.start(deployment)) {
			JdbcClient jdbc = node.bean(JdbcClient.class);
			assertThat(jdbc.sql("SELECT success FROM flyway_schema_history WHERE version = '1000'")
				.query(Boolean.class)
				.single()).isTrue();
			// The pool's connections still give up after its few seconds.
			assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> jdbc.sql("SELECT pg_sleep(5)").query().singleValue());
		}
	}

	/**
	 * A rolling upgrade whose migration changes a table a long transaction (a backup, a
	 * forgotten session) is using: the migration waits, and every request touching the
	 * table waits behind it. It steps back after a moment, so that requests go on, and
	 * tries again until the table is free; then the node starts. Requests used to wait as
	 * long as the migration did (up to its two hours).
	 */
	@Test
	void startWhenAMigrationWaitsForATableInUseThenRequestsGoOnAndItMigratesOnceFree() throws Exception {
		String database = TestBackends.newMigratedDatabase();
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("spring.datasource.url", database);
		deployment.put("spring.flyway.locations", "classpath:db/migration,classpath:db/lock-migration");
		DriverManagerDataSource direct = new DriverManagerDataSource(database, "postgres",
				TestBackends.superuserPassword());
		CompletableFuture<LanyardTestServer> starting;
		try (Connection longTransaction = direct.getConnection()) {
			longTransaction.setAutoCommit(false);
			try (Statement reading = longTransaction.createStatement()) {
				reading.executeQuery("SELECT count(*) FROM users").close();
			}
			starting = CompletableFuture.supplyAsync(() -> LanyardTestServer.start(deployment));
			TestBackends.awaitLockWaiters(direct, 1, "%migration_test_marker%", Duration.ofSeconds(60));

			// A request's statement on the table, sent while the migration waits.
			long sent = System.nanoTime();
			try (Connection request = direct.getConnection(); Statement statement = request.createStatement()) {
				statement.execute("SET statement_timeout = '30s'");
				statement.executeQuery("SELECT count(*) FROM users").close();
			}
			assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(10));
			assertThat(starting).isNotDone();
			longTransaction.commit();
		}
		try (LanyardTestServer node = starting.get(60, TimeUnit.SECONDS)) {
			assertThat(node.bean(JdbcClient.class)
				.sql("SELECT success FROM flyway_schema_history WHERE version = '1001'")
				.query(Boolean.class)
				.single()).isTrue();
		}
	}

}
