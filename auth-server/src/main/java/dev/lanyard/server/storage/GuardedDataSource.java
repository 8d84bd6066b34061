package dev.lanyard.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The connection pool behind the PostgreSQL circuit breaker: once PostgreSQL is known to
 * be unreachable, asking for a connection fails at once instead of waiting out the pool's
 * timeout, so a request during an outage gets its 503 in milliseconds (issue 9, item 3).
 */
public class GuardedDataSource extends DelegatingDataSource {

	private final CircuitBreaker breaker;

	public GuardedDataSource(DataSource pool, CircuitBreaker breaker) {
		super(pool);
		this.breaker = breaker;
	}

	@Override
	public Connection getConnection() throws SQLException {
		return guarded(() -> super.getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return guarded(() -> super.getConnection(username, password));
	}

	private Connection guarded(ConnectionSupplier supplier) throws SQLException {
		if (!this.breaker.tryAcquirePermission()) {
			throw new BackendBreakers.PostgresqlRefusedByOpenBreaker("PostgreSQL is unreachable (circuit open)");
		}
		long started = System.nanoTime();
		try {
			Connection connection = supplier.get();
			this.breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
			return connection;
		}
		catch (SQLException | RuntimeException ex) {
			this.breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, ex);
			throw ex;
		}
	}

	@FunctionalInterface
	private interface ConnectionSupplier {

		Connection get() throws SQLException;

	}

}
