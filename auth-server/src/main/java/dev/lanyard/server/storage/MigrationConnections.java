package dev.lanyard.server.storage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.stereotype.Component;

/**
 * How schema migrations meet the nodes that serve meanwhile (a rolling upgrade):
 * <ul>
 * <li>a read timeout a migration can live with. The pool's is a few seconds
 * (FailFastDataSourcePostProcessor), so that an outage is noticed at once; a migration on
 * a large deployment's tables (an index, a backfill) takes minutes, and with the pool's
 * timeout it failed and the node with it;</li>
 * <li>a short wait for table locks. A migration that changes a table waits for the
 * transactions using it (a long one, a backup), and every request touching that table
 * then waits behind the migration, for as long as it waits: the serving nodes stalled.
 * The migration steps back after {@link #LOCK_WAIT} instead (its transaction rolls back,
 * nothing half done) and tries again {@link #RETRY_PAUSE} later, for up to
 * {@link #RETRIES_FOR}.</li>
 * </ul>
 * The connection goes back to the pool with the pool's settings.
 */
@Component
class MigrationConnections implements FlywayConfigurationCustomizer, FlywayMigrationStrategy {

	private static final Logger logger = LoggerFactory.getLogger(MigrationConnections.class);

	/** Longest a migration statement may go without an answer from PostgreSQL. */
	static final Duration LONGEST_STATEMENT = Duration.ofHours(2);

	/** Longest a migration statement waits for a lock before its migration steps back. */
	static final Duration LOCK_WAIT = Duration.ofSeconds(2);

	/** The pause before a migration that stepped back tries again. */
	static final Duration RETRY_PAUSE = Duration.ofSeconds(5);

	/** How long a node goes on trying; then its start fails and says why. */
	static final Duration RETRIES_FOR = Duration.ofHours(1);

	/** PostgreSQL's SQLSTATE lock_not_available: a lock timeout. */
	private static final String LOCK_NOT_AVAILABLE = "55P03";

	@Override
	public void customize(FluentConfiguration configuration) {
		DataSource dataSource = configuration.getDataSource();
		if (dataSource != null) {
			configuration.dataSource(new MigrationDataSource(dataSource));
		}
	}

	@Override
	public void migrate(Flyway flyway) {
		long deadline = System.nanoTime() + RETRIES_FOR.toNanos();
		while (true) {
			try {
				flyway.migrate();
				return;
			}
			catch (FlywayException ex) {
				if (!lockNotAvailable(ex) || System.nanoTime() - deadline > 0) {
					throw ex;
				}
				logger.warn("A schema migration waited {} s for a table another session holds (a long transaction, "
						+ "a backup) and stepped back, so that requests are not held up behind it; trying again in {} s",
						LOCK_WAIT.toSeconds(), RETRY_PAUSE.toSeconds());
				try {
					Thread.sleep(RETRY_PAUSE.toMillis());
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	private static boolean lockNotAvailable(Throwable failure) {
		return BackendBreakers.firstCause(failure,
				(cause) -> cause instanceof SQLException sql && LOCK_NOT_AVAILABLE.equals(sql.getSQLState())) != null;
	}

	private static final class MigrationDataSource extends DelegatingDataSource {

		MigrationDataSource(DataSource dataSource) {
			super(dataSource);
		}

		@Override
		public Connection getConnection() throws SQLException {
			return forMigrations(super.getConnection());
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return forMigrations(super.getConnection(username, password));
		}

		private static Connection forMigrations(Connection connection) throws SQLException {
			connection.setNetworkTimeout(Runnable::run, Math.toIntExact(LONGEST_STATEMENT.toMillis()));
			execute(connection, "SET lock_timeout = '" + LOCK_WAIT.toMillis() + "ms'");
			return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
					new Class<?>[] { Connection.class }, (proxy, method, arguments) -> {
						if ("close".equals(method.getName()) && !connection.isClosed()) {
							giveBack(connection);
						}
						try {
							return method.invoke(connection, arguments);
						}
						catch (InvocationTargetException ex) {
							throw ex.getCause();
						}
					});
		}

		/**
		 * The pool's lock waits again (the pool sets its read timeout back itself); a
		 * connection that cannot be set back is not given back at all.
		 */
		private static void giveBack(Connection connection) throws SQLException {
			try {
				if (!connection.getAutoCommit()) {
					connection.rollback();
				}
				execute(connection, "RESET lock_timeout");
			}
			catch (SQLException ex) {
				connection.abort(Runnable::run);
			}
		}

		private static void execute(Connection connection, String sql) throws SQLException {
			try (Statement statement = connection.createStatement()) {
				statement.execute(sql);
			}
		}

	}

}
