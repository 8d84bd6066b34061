package dev.lanyard.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
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
 * timeout it failed and the node with it. The pool sets its own timeout back when a
 * connection returns to it;</li>
 * <li>a short wait for table locks. A migration that changes a table waits for the
 * transactions using it (a long one, a backup), and every request touching that table
 * then waits behind the migration, for as long as it waits: the serving nodes stalled.
 * The migration steps back after {@link #LOCK_WAIT} instead (its transaction rolls back,
 * nothing half done) and tries again {@link #RETRY_PAUSE} later, for up to
 * {@link #RETRIES_FOR}. The wait is set in each migration's own transaction
 * ({@code SET LOCAL}): nothing stays on the connection, which behind PgBouncer in
 * transaction mode serves other nodes' requests next.</li>
 * </ul>
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
			configuration.dataSource(new LongReadTimeout(dataSource));
		}
		List<Callback> callbacks = new ArrayList<>(Arrays.asList(configuration.getCallbacks()));
		callbacks.add(new ShortLockWait());
		configuration.callbacks(callbacks.toArray(Callback[]::new));
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

	/** Before each migration, in its transaction: the lock wait for it alone. */
	private static final class ShortLockWait implements Callback {

		@Override
		public boolean supports(Event event, Context context) {
			return event == Event.BEFORE_EACH_MIGRATE;
		}

		@Override
		public boolean canHandleInTransaction(Event event, Context context) {
			return true;
		}

		@Override
		public void handle(Event event, Context context) {
			try (Statement statement = context.getConnection().createStatement()) {
				statement.execute("SET LOCAL lock_timeout = '" + LOCK_WAIT.toMillis() + "ms'");
			}
			catch (SQLException ex) {
				throw new FlywayException("Could not limit the migration's lock wait", ex);
			}
		}

		@Override
		public String getCallbackName() {
			return "lanyard-short-lock-wait";
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
