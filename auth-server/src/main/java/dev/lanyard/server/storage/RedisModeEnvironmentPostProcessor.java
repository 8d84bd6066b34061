package dev.lanyard.server.storage;

import java.util.List;
import java.util.Map;

import dev.lanyard.server.AutoConfigurationExclusions;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Decides at start-up whether Lanyard uses Redis. With {@code SPRING_DATA_REDIS_URL} (or
 * host), a Sentinel master ({@code SPRING_DATA_REDIS_SENTINEL_MASTER} and {@code _NODES})
 * or Cluster nodes ({@code SPRING_DATA_REDIS_CLUSTER_NODES}) set it does (login sessions,
 * token-lookup cache, throttling counters, revocation channel); without it, in-process
 * equivalents take over and Spring Boot's Redis auto-configuration is switched off, so
 * nothing tries to reach a Redis that is not there.
 * <p>
 * Sets {@value #MODE_PROPERTY} to {@code redis} or {@code in-process}.
 */
public class RedisModeEnvironmentPostProcessor implements EnvironmentPostProcessor {

	/** The property the rest of the server conditions on. */
	public static final String MODE_PROPERTY = "lanyard.redis-mode";

	private static final List<String> REDIS_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration",
			"org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean redis = StringUtils.hasText(environment.getProperty("spring.data.redis.url"))
				|| StringUtils.hasText(environment.getProperty("spring.data.redis.host"))
				|| StringUtils.hasText(environment.getProperty("spring.data.redis.sentinel.master"))
				|| !Binder.get(environment)
					.bind("spring.data.redis.cluster.nodes", Bindable.listOf(String.class))
					.orElse(List.of())
					.isEmpty();
		if (redis) {
			environment.getPropertySources()
				.addFirst(new MapPropertySource("lanyardRedisMode", Map.of(MODE_PROPERTY, "redis")));
			return;
		}
		environment.getPropertySources()
			.addFirst(new MapPropertySource("lanyardRedisMode",
					Map.of(MODE_PROPERTY, "in-process", AutoConfigurationExclusions.PROPERTY,
							AutoConfigurationExclusions.with(environment, REDIS_AUTO_CONFIGURATIONS))));
	}

}
