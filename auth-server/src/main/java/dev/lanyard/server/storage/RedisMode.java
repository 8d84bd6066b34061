package dev.lanyard.server.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Whether this server uses Redis ({@code SPRING_DATA_REDIS_URL} set) or in-process
 * stand-ins; decided once at start-up by {@link RedisModeEnvironmentPostProcessor}. The
 * stand-ins serve one node: with a database of its own (not the embedded one) a node
 * without Redis says so at start, and stops if {@code LANYARD_REDIS_REQUIRED} is set.
 */
@Component
public class RedisMode {

	private static final Logger logger = LoggerFactory.getLogger(RedisMode.class);

	private final boolean enabled;

	public RedisMode(Environment environment) {
		this.enabled = "redis".equals(environment.getProperty(RedisModeEnvironmentPostProcessor.MODE_PROPERTY));
		if (this.enabled) {
			return;
		}
		if (environment.getProperty("lanyard.redis.required", Boolean.class, false)) {
			// A deployment of several nodes says so (the Kubernetes manifest does): an
			// empty or misspelt Redis setting must not split its state across nodes.
			throw new IllegalStateException("LANYARD_REDIS_REQUIRED is set but no Redis is configured: set "
					+ "SPRING_DATA_REDIS_URL (or SPRING_DATA_REDIS_SENTINEL_MASTER and _NODES, or "
					+ "SPRING_DATA_REDIS_CLUSTER_NODES)");
		}
		if (StringUtils.hasText(environment.getProperty("spring.datasource.url"))) {
			logger.warn("No Redis configured (SPRING_DATA_REDIS_URL): login sessions, sign-in throttling and "
					+ "replay memories are this node's own. Run one node this way; set SPRING_DATA_REDIS_URL for "
					+ "more (and LANYARD_REDIS_REQUIRED=true to stop a node that has none)");
		}
	}

	public boolean enabled() {
		return this.enabled;
	}

}
