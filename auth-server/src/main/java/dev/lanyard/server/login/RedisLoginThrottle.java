package dev.lanyard.server.login;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * Login throttling counters in Redis, shared by every node; a counter and its expiry are
 * set in one script, so a crash can never leave a counter without expiry (which would be a
 * permanent lockout). The address is counted first and, once throttled, nothing else is
 * written. When Redis is unreachable, each node falls back to its own counters rather than
 * stop logins.
 */
public final class RedisLoginThrottle implements LoginThrottle {

	private static final Logger logger = LoggerFactory.getLogger(RedisLoginThrottle.class);

	/**
	 * KEYS: the counters in order (the address's first when ARGV[2] is "1"); ARGV[1]: the
	 * window in ms; ARGV[2]: whether KEYS[1] is the address; ARGV[3]: the address bound.
	 * Returns 0 when the address is throttled (nothing else counted), else the last count.
	 */
	private static final DefaultRedisScript<Long> ACQUIRE = new DefaultRedisScript<>("""
			local count = 0
			for i, key in ipairs(KEYS) do
			  count = redis.call('INCR', key)
			  if count == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
			  if i == 1 and ARGV[2] == '1' and count > tonumber(ARGV[3]) then return 0 end
			end
			return count""", Long.class);

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
	public boolean tryAcquire(LoginAttempt attempt) {
		List<String> keys = keys(attempt);
		if (keys.isEmpty()) {
			return true;
		}
		try {
			Long count = this.redis.execute(ACQUIRE, keys, String.valueOf(this.window.toMillis()),
					(attempt.addressKey() != null) ? "1" : "0", String.valueOf(this.maxPerAddress));
			if (count == null || count == 0) {
				return false;
			}
			// With only an address to count, the script's last count is the address's.
			return (attempt.boundKey() == null) || count <= this.maxPerAccount;
		}
		catch (RuntimeException ex) {
			logger.warn("Login throttling falls back to this node's counters: {}", ex.getMessage());
			return this.fallback.tryAcquire(attempt);
		}
	}

	@Override
	public void release(LoginAttempt attempt) {
		try {
			this.redis.execute(RELEASE, keys(attempt));
		}
		catch (RuntimeException ex) {
			this.fallback.release(attempt);
		}
	}

	@Override
	public void reset(String loginName) {
		this.fallback.reset(loginName);
		try {
			this.redis.delete(this.prefix + LoginAttempt.accountKey(loginName));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not reset the login throttle in Redis: {}", ex.getMessage());
		}
	}

	private List<String> keys(LoginAttempt attempt) {
		List<String> keys = new ArrayList<>(2);
		if (attempt.addressKey() != null) {
			keys.add(this.prefix + attempt.addressKey());
		}
		if (attempt.boundKey() != null) {
			keys.add(this.prefix + attempt.boundKey());
		}
		return keys;
	}

}
