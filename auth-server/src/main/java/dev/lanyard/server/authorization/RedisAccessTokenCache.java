package dev.lanyard.server.authorization;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The access-token lookup cache in Redis, shared by every node. Redis errors are logged and
 * treated as misses: token endpoints fall back to PostgreSQL.
 */
public final class RedisAccessTokenCache implements AccessTokenCache {

	private static final Logger logger = LoggerFactory.getLogger(RedisAccessTokenCache.class);

	private final StringRedisTemplate redis;

	private final String prefix;

	public RedisAccessTokenCache(StringRedisTemplate redis, String keyPrefix) {
		this.redis = redis;
		this.prefix = keyPrefix + "at:";
	}

	@Override
	public Optional<String> get(String tokenHash) {
		try {
			return Optional.ofNullable(this.redis.opsForValue().get(this.prefix + tokenHash));
		}
		catch (RuntimeException ex) {
			logger.warn("Token cache unavailable, reading from PostgreSQL: {}", ex.getMessage());
			return Optional.empty();
		}
	}

	@Override
	public void putIfAbsent(String tokenHash, String row, Duration ttl) {
		try {
			this.redis.opsForValue().setIfAbsent(this.prefix + tokenHash, row, ttl);
		}
		catch (RuntimeException ex) {
			logger.warn("Token cache unavailable: {}", ex.getMessage());
		}
	}

	@Override
	public void put(String tokenHash, String row, Duration ttl) {
		try {
			this.redis.opsForValue().set(this.prefix + tokenHash, row, ttl);
		}
		catch (RuntimeException ex) {
			logger.warn("Token cache unavailable: {}", ex.getMessage());
		}
	}

	@Override
	public void evict(Iterable<String> tokenHashes) {
		List<String> keys = new ArrayList<>();
		tokenHashes.forEach((hash) -> keys.add(this.prefix + hash));
		if (keys.isEmpty()) {
			return;
		}
		try {
			this.redis.delete(keys);
		}
		catch (RuntimeException ex) {
			logger.warn("Token cache unavailable, could not evict {} entries: {}", keys.size(), ex.getMessage());
		}
	}

}
