package dev.lanyard.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.flywaydb.core.api.configuration.FluentConfiguration;

import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.stereotype.Component;

/**
 * Gives the connections Flyway migrates with a read timeout a migration can live with.
 * The pool's is a few seconds (FailFastDataSourcePostProcessor), so that an outage is
 * noticed at once; a migration on a large deployment's tables (an index, a backfill)
 * takes minutes, and with the pool's timeout it failed and the node with it. The pool
 * sets its own timeout back when a connection returns to it.
 */
@Component
class MigrationConnections implements FlywayConfigurationCustomizer {

	/** Longest a migration statement may go without an answer from PostgreSQL. */
	static final Duration LONGEST_STATEMENT = Duration.ofHours(2);

	@Override
	public void customize(FluentConfiguration configuration) {
		DataSource dataSource = configuration.getDataSource();
		if (dataSource != null) {
			configuration.dataSource(new LongReadTimeout(dataSource));
		}
	}

	private static final class LongReadTimeout extends DelegatingDataSource {

		LongReadTimeout(DataSource dataSource) {
			super(dataSource);
		}

		@Override
		public Connection getConnection() throws SQLException {
			return patient(super.getConnection());
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return patient(super.getConnection(username, password));
		}

		private static Connection patient(Connection connection) throws SQLException {
			connection.setNetworkTimeout(Runnable::run, Math.toIntExact(LONGEST_STATEMENT.toMillis()));
			return connection;
		}

	}

}
