package dev.lanyard.server.storage;

import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.TestBackends;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Migrations run with a read timeout they can live with, while the pool keeps its few
 * seconds for everything else.
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

}
