package dev.lanyard.server.storage;

import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The {@link StringRedisTemplate} every Lanyard component uses, behind the Redis circuit
 * breaker: once Redis is known to be unreachable, an operation fails at once with
 * {@link RedisConnectionFailureException} (which every caller already treats as "fall
 * back") instead of waiting out the command timeout, request after request (issue 9, item
 * 4).
 */
public class GuardedStringRedisTemplate extends StringRedisTemplate {

	private final CircuitBreaker breaker;

	public GuardedStringRedisTemplate(RedisConnectionFactory connections, CircuitBreaker breaker) {
		super(connections);
		this.breaker = breaker;
	}

	@Override
	public <T> T execute(RedisCallback<T> action, boolean exposeConnection, boolean pipeline) {
		if (!this.breaker.tryAcquirePermission()) {
			throw new BackendBreakers.RedisRefusedByOpenBreaker("Redis is unreachable (circuit open)");
		}
		long started = System.nanoTime();
		try {
			T result = super.execute(action, exposeConnection, pipeline);
			this.breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
			return result;
		}
		catch (RuntimeException ex) {
			this.breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, ex);
			throw ex;
		}
	}

}
