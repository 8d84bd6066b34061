package dev.lanyard.server.storage;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.stereotype.Component;

/**
 * One circuit breaker per backend (Resilience4j): once PostgreSQL or Redis is known to be
 * unreachable, calls to it fail at once instead of each waiting out a timeout, and a
 * probe every {@link #OPEN_FOR} finds out when it is back (issue 9, items 3 and 4). Only
 * outages count as failures, never a refused statement. Published as
 * {@code lanyard_backend_available{backend}} (1 or 0).
 */
@Component
public class BackendBreakers implements MeterBinder {

	private static final Logger logger = LoggerFactory.getLogger(BackendBreakers.class);

	/** How long a breaker stays open before it lets a probe through. */
	static final Duration OPEN_FOR = Duration.ofSeconds(2);

	private final CircuitBreaker postgresql;

	private final CircuitBreaker redis;

	public BackendBreakers() {
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(4)
			.minimumNumberOfCalls(2)
			.failureRateThreshold(50)
			.waitDurationInOpenState(OPEN_FOR)
			.permittedNumberOfCallsInHalfOpenState(1)
			.recordException(BackendBreakers::isOutage)
			.build();
		this.postgresql = CircuitBreaker.of("postgresql", config);
		this.redis = CircuitBreaker.of("redis", config);
		for (CircuitBreaker breaker : new CircuitBreaker[] { this.postgresql, this.redis }) {
			breaker.getEventPublisher()
				.onStateTransition((event) -> logTransition(breaker.getName(), event.getStateTransition()));
		}
	}

	/**
	 * An outage is logged once, when the breaker opens, and again when the backend is
	 * back.
	 */
	private static void logTransition(String name, CircuitBreaker.StateTransition transition) {
		String backend = "redis".equals(name) ? "Redis" : "PostgreSQL";
		switch (transition.getToState()) {
			case OPEN -> {
				if (transition.getFromState() == CircuitBreaker.State.CLOSED) {
					logger.warn("{} is unreachable: calls to it fail at once (probing every {} s) until it is back",
							backend, OPEN_FOR.toSeconds());
				}
			}
			case CLOSED -> logger.info("{} is reachable again", backend);
			default -> {
			}
		}
	}

	/**
	 * Logs a failed call to a backend: at WARN when it is news, at DEBUG when the call
	 * was refused by an open breaker (the outage was logged when it opened), so an outage
	 * under load does not flood the log.
	 */
	public static void logFailure(Logger log, String message, Throwable failure) {
		if (isRefusedByOpenBreaker(failure)) {
			log.debug("{}: {}", message, failure.getMessage());
		}
		else {
			log.warn("{}: {}", message, failure.getMessage());
		}
	}

	/** Whether a failure is a call refused at once by an open breaker. */
	public static boolean isRefusedByOpenBreaker(Throwable failure) {
		return firstCause(failure,
				(cause) -> cause instanceof RefusedByOpenBreaker || cause instanceof CallNotPermittedException) != null;
	}

	/**
	 * Marks the exceptions the guarded Redis and PostgreSQL access throw while a breaker
	 * is open.
	 */
	public interface RefusedByOpenBreaker {

	}

	/** Redis refused at once: its breaker is open. */
	public static final class RedisRefusedByOpenBreaker extends RedisConnectionFailureException
			implements RefusedByOpenBreaker {

		public RedisRefusedByOpenBreaker(String message) {
			super(message);
		}

	}

	/**
	 * PostgreSQL refused at once: its breaker is open (SQLState 08001, as a connection
	 * failure).
	 */
	public static final class PostgresqlRefusedByOpenBreaker extends SQLTransientConnectionException
			implements RefusedByOpenBreaker {

		public PostgresqlRefusedByOpenBreaker(String message) {
			super(message, "08001");
		}

	}

	@Override
	public void bindTo(MeterRegistry meters) {
		for (CircuitBreaker breaker : new CircuitBreaker[] { this.postgresql, this.redis }) {
			Gauge
				.builder("lanyard.backend.available", breaker,
						(b) -> (b.getState() == CircuitBreaker.State.OPEN) ? 0 : 1)
				.description("Whether the backend is reachable (0 while its circuit breaker is open)")
				.tag("backend", breaker.getName())
				.register(meters);
		}
	}

	public CircuitBreaker postgresql() {
		return this.postgresql;
	}

	public CircuitBreaker redis() {
		return this.redis;
	}

	/**
	 * A server shutting down or restarting: admin_shutdown, crash_shutdown,
	 * cannot_connect_now (57P01-57P03; not 57P04, a database dropped, nor 57P05, an idle
	 * session ended).
	 */
	private static final java.util.Set<String> SERVER_GOING = java.util.Set.of("57P01", "57P02", "57P03");

	/**
	 * Whether a failure means the backend could not be reached (rather than refused a
	 * statement): a connection error (SQLSTATE class 08), a server shutting down or
	 * restarting (57P01-57P03), or a server that no longer takes writes (25006, read
	 * only: a failover's old primary).
	 */
	public static boolean isOutage(Throwable failure) {
		return firstCause(failure,
				(cause) -> cause instanceof CallNotPermittedException
						|| cause instanceof RedisConnectionFailureException || cause instanceof QueryTimeoutException
						|| cause instanceof DataAccessResourceFailureException
						|| cause instanceof TransientDataAccessResourceException
						|| cause instanceof SQLTransientConnectionException || cause instanceof ConnectException
						|| cause instanceof TimeoutException || cause instanceof SocketTimeoutException
						|| cause instanceof RedisCommandTimeoutException || cause instanceof RedisConnectionException
						|| (cause instanceof SQLException sql && sql.getSQLState() != null
								&& (sql.getSQLState().startsWith("08") || SERVER_GOING.contains(sql.getSQLState())
										|| sql.getSQLState().equals(ReadOnlyServerEviction.READ_ONLY)))) != null;
	}

	/**
	 * The first of a failure and its causes that matches, else {@code null}; a cause that
	 * names itself ends the walk.
	 */
	public static Throwable firstCause(Throwable failure, java.util.function.Predicate<Throwable> matching) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (matching.test(cause)) {
				return cause;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

}
