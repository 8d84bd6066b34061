package dev.lanyard.server.login;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * Login throttling counters in Redis, shared by every node; a counter and its expiry are
 * set in one script, so a crash can never leave a counter without expiry (which would be a
 * permanent lockout). When Redis is unreachable, each node falls back to its own counters
 * rather than stop logins.
 */
public final class RedisLoginThrottle implements LoginThrottle {

	private static final Logger logger = LoggerFactory.getLogger(RedisLoginThrottle.class);

	private static final DefaultRedisScript<List> ACQUIRE = new DefaultRedisScript<>("""
			local results = {}
			for i, key in ipairs(KEYS) do
			  local count = redis.call('INCR', key)
			  if count == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
			  results[i] = count
			end
			return results""", List.class);

	private static final DefaultRedisScript<Long> RELEASE = new DefaultRedisScript<>("""
			for _, key in ipairs(KEYS) do
			  local count = redis.call('DECR', key)
			  if count <= 0 then redis.call('DEL', key) end
			end
			return 1""", Long.class);

	private final StringRedisTemplate redis;

	private final String prefix;

	private final int maxPerAccount;

	private final int maxPerAddress;

	private final Duration window;

	private final LoginThrottle fallback;

	public RedisLoginThrottle(StringRedisTemplate redis, String keyPrefix, int maxPerAccount, int maxPerAddress,
			Duration window, LoginThrottle fallback) {
		this.redis = redis;
		this.prefix = keyPrefix + "login:";
		this.maxPerAccount = maxPerAccount;
		this.maxPerAddress = maxPerAddress;
		this.window = window;
		this.fallback = fallback;
	}

	@Override
	public boolean tryAcquire(String account, String address) {
		try {
			List<?> counts = this.redis.execute(ACQUIRE, keys(account, address), String.valueOf(this.window.toMillis()));
			long accountCount = ((Number) counts.get(0)).longValue();
			long addressCount = (counts.size() > 1) ? ((Number) counts.get(1)).longValue() : 0;
			return accountCount <= this.maxPerAccount && addressCount <= this.maxPerAddress;
		}
		catch (RuntimeException ex) {
			logger.warn("Login throttling falls back to this node's counters: {}", ex.getMessage());
			return this.fallback.tryAcquire(account, address);
		}
	}

	@Override
	public void release(String account, String address) {
		try {
			this.redis.execute(RELEASE, keys(account, address));
		}
		catch (RuntimeException ex) {
			this.fallback.release(account, address);
		}
	}

	@Override
	public void reset(String account) {
		this.fallback.reset(account);
		try {
			this.redis.delete(this.prefix + "account:" + account);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not reset the login throttle in Redis: {}", ex.getMessage());
		}
	}

	private List<String> keys(String account, String address) {
		return (address != null) ? List.of(this.prefix + "account:" + account, this.prefix + "address:" + address)
				: List.of(this.prefix + "account:" + account);
	}

}
