package dev.lanyard.server.storage;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.Delay;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.SessionRepository;

/**
 * How Lanyard talks to Redis when it has one: through the Redis circuit breaker,
 * reconnecting within two seconds of Redis coming back (Lettuce would wait up to 30 s
 * after a long outage), and reported in health as {@code DEGRADED}, not {@code DOWN},
 * when unreachable: without Redis every node still serves tokens from PostgreSQL, so
 * Redis is not part of readiness (issue 9, item 8).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = RedisModeEnvironmentPostProcessor.MODE_PROPERTY, havingValue = "redis")
class RedisConfiguration {

	/** Health status of a backend Lanyard works without, for a while (HTTP 200). */
	static final Status DEGRADED = new Status("DEGRADED", "Serving without Redis: PostgreSQL answers every lookup");

	@Bean
	StringRedisTemplate stringRedisTemplate(RedisConnectionFactory connections, BackendBreakers breakers) {
		return new GuardedStringRedisTemplate(connections, breakers.redis());
	}

	/** Puts Spring Session's Redis repository behind the breaker. */
	@Bean
	static BeanPostProcessor guardedSessionRepository(ObjectProvider<BackendBreakers> breakers) {
		return new BeanPostProcessor() {

			@Override
			@SuppressWarnings({ "rawtypes", "unchecked" })
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof SessionRepository repository && !(bean instanceof GuardedSessionRepository)) {
					return new GuardedSessionRepository(repository, breakers.getObject().redis());
				}
				return bean;
			}

		};
	}

	/**
	 * Login session ids of 256 bits from the system's CSPRNG, base64url: ASVS 5.0 §7.2.3
	 * asks for at least 128 bits of entropy, and Spring Session's default, a random UUID,
	 * has 122. (Without Redis, Tomcat's own session ids carry 128 bits from a
	 * {@code SecureRandom}.)
	 */
	@Bean
	SessionIdGenerator loginSessionIds() {
		SecureRandom random = new SecureRandom();
		return () -> {
			byte[] id = new byte[32];
			random.nextBytes(id);
			return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
		};
	}

	@Bean
	ClientResourcesBuilderCustomizer quickRedisReconnect() {
		return (resources) -> resources
			.reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
	}

	/**
	 * Replaces Spring Boot's Redis health indicator
	 * ({@code management.health.redis.enabled=false}).
	 */
	@Bean
	HealthIndicator redisHealthIndicator(StringRedisTemplate redis) {
		return () -> {
			try {
				redis.execute((RedisCallback<String>) (connection) -> connection.ping());
				return Health.up().build();
			}
			catch (RuntimeException ex) {
				return Health.status(DEGRADED).build();
			}
		};
	}

}
