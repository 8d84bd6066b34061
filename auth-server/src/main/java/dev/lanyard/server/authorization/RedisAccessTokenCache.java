package dev.lanyard.server.authorization;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.lanyard.server.storage.BackendBreakers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * The access-token lookup cache in Redis, shared by every node. Each value is
 * {@code <version>|<row JSON>} ({@code <version>|} for a tombstone); one script compares
 * versions and writes, so concurrent writers on several nodes settle on the newest row.
 * Redis errors are logged and treated as misses: token endpoints fall back to PostgreSQL.
 */
public final class RedisAccessTokenCache implements AccessTokenCache {

	private static final Logger logger = LoggerFactory.getLogger(RedisAccessTokenCache.class);

	private static final DefaultRedisScript<Long> PUT_IF_NEWER = new DefaultRedisScript<>("""
			local current = redis.call('GET', KEYS[1])
			if current then
			  local version = tonumber(string.match(current, '^(%d+)|'))
			  if version and version >= tonumber(ARGV[1]) then return 0 end
			end
			redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
			return 1""", Long.class);

	private final StringRedisTemplate redis;

	private final String prefix;

	public RedisAccessTokenCache(StringRedisTemplate redis, String keyPrefix) {
		this.redis = redis;
		this.prefix = keyPrefix + "at:";
	}

	/** What every key of this cache starts with; the token hash follows. */
	String keyPrefix() {
		return this.prefix;
	}

	@Override
	public Optional<Entry> get(String tokenHash) {
		try {
			return parse(this.redis.opsForValue().get(this.prefix + tokenHash));
		}
		catch (RuntimeException ex) {
			BackendBreakers.logFailure(logger, "Token cache unavailable, reading from PostgreSQL", ex);
			return Optional.empty();
		}
	}

	/** An entry as stored: {@code <version>|<row JSON>}, or nothing. */
	static Optional<Entry> parse(String value) {
		if (value == null) {
			return Optional.empty();
		}
		int bar = value.indexOf('|');
		String row = value.substring(bar + 1);
		return Optional.of(new Entry(Long.parseLong(value.substring(0, bar)), row.isEmpty() ? null : row));
	}

	@Override
	public boolean putIfAbsent(String tokenHash, Entry entry, Duration ttl) {
		try {
			this.redis.opsForValue()
				.setIfAbsent(this.prefix + tokenHash,
						entry.version() + "|" + ((entry.row() != null) ? entry.row() : ""),
						Duration.ofMillis(Math.max(1, ttl.toMillis())));
			return true;
		}
		catch (RuntimeException ex) {
			BackendBreakers.logFailure(logger, "Token cache unavailable", ex);
			return false;
		}
	}

	@Override
	public boolean putIfNewer(String tokenHash, Entry entry, Duration ttl) {
		try {
			this.redis.execute(PUT_IF_NEWER, List.of(this.prefix + tokenHash), String.valueOf(entry.version()),
					(entry.row() != null) ? entry.row() : "", String.valueOf(Math.max(1, ttl.toMillis())));
			return true;
		}
		catch (RuntimeException ex) {
			// Redis unreachable: readers fall back to PostgreSQL. A revocation that could
			// not
			// be written here is recorded as such and applied by a node that can reach
			// Redis.
			BackendBreakers.logFailure(logger, "Token cache unavailable", ex);
			return false;
		}
	}

}
