package dev.lanyard.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;

/**
 * The PostgreSQL advisory locks that serialise work across nodes. Each is taken for the
 * current transaction only ({@code pg_advisory_xact_lock}), so it is released with the
 * transaction whatever happens, and it works behind PgBouncer in transaction mode (a
 * session-level lock would stay on whichever server connection took it).
 * <p>
 * Waiting for one is not bounded by the connection's read timeout (a few seconds, so that
 * a PostgreSQL outage is noticed at once): the holder may be another node generating
 * signing keys or hashing the bootstrap file's passwords, which takes longer on a busy
 * machine, and a node starting beside it must wait for it rather than fail to start. The
 * wait is bounded by {@link #LONGEST_WAIT} instead.
 */
public enum AdvisoryLocks {

	/** Signing key creation, rotation and retirement. */
	KEY_MANAGEMENT(7163001),

	/**
	 * The bootstrap file import (several nodes starting at once import it one after the
	 * other).
	 */
	BOOTSTRAP_IMPORT(7163002);

	private final long id;

	AdvisoryLocks(long id) {
		this.id = id;
	}

	private static final String LOCK = "SELECT pg_advisory_xact_lock(?)";

	private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock(?)";

	/** Longest a node waits for another to release a lock. */
	public static final Duration LONGEST_WAIT = Duration.ofMinutes(2);

	/**
	 * Waits for the lock and holds it until the current transaction ends; needs one (the
	 * lock is taken on the transaction's connection).
	 * @param dataSource the data source of the current transaction
	 */
	public void lockForTransaction(DataSource dataSource) {
		Connection connection = DataSourceUtils.getConnection(dataSource);
		try {
			int readTimeout = connection.getNetworkTimeout();
			connection.setNetworkTimeout(Runnable::run, Math.toIntExact(LONGEST_WAIT.toMillis()));
			try (PreparedStatement statement = connection.prepareStatement(LOCK)) {
				statement.setLong(1, this.id);
				try (ResultSet granted = statement.executeQuery()) {
					granted.next();
				}
			}
			finally {
				connection.setNetworkTimeout(Runnable::run, readTimeout);
			}
		}
		catch (SQLException ex) {
			throw translated(dataSource, LOCK, ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, dataSource);
		}
	}

	/**
	 * Takes the lock if no one holds it, and holds it until the current transaction ends;
	 * never waits. Needs a transaction.
	 * @return whether the lock is held now
	 */
	public boolean tryLockForTransaction(DataSource dataSource) {
		Connection connection = DataSourceUtils.getConnection(dataSource);
		try (PreparedStatement statement = connection.prepareStatement(TRY_LOCK)) {
			statement.setLong(1, this.id);
			try (ResultSet granted = statement.executeQuery()) {
				granted.next();
				return granted.getBoolean(1);
			}
		}
		catch (SQLException ex) {
			throw translated(dataSource, TRY_LOCK, ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, dataSource);
		}
	}

	private DataAccessException translated(DataSource dataSource, String sql, SQLException ex) {
		DataAccessException translated = new SQLErrorCodeSQLExceptionTranslator(dataSource)
			.translate("Advisory lock " + name(), sql, ex);
		return (translated != null) ? translated : new UncategorizedSQLException("Advisory lock " + name(), sql, ex);
	}

}
