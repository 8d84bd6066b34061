package dev.lanyard.server.storage;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Whether this server uses Redis ({@code SPRING_DATA_REDIS_URL} set) or in-process
 * stand-ins; decided once at start-up by {@link RedisModeEnvironmentPostProcessor}.
 */
@Component
public class RedisMode {

	private final boolean enabled;

	public RedisMode(Environment environment) {
		this.enabled = "redis".equals(environment.getProperty(RedisModeEnvironmentPostProcessor.MODE_PROPERTY));
	}

	public boolean enabled() {
		return this.enabled;
	}

}
