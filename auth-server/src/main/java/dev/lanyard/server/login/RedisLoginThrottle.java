package dev.lanyard.server.login;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.lanyard.server.storage.BackendBreakers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * Login throttling counters in Redis, shared by every node; a counter and its expiry are
 * set in one script, so a crash can never leave a counter without expiry (which would be
 * a permanent lockout). The address is counted first and, once throttled, nothing else is
 * written.
 * <p>
 * When Redis cannot count an attempt, the attempt is refused as a temporary outage (a 503
 * page, {@code StorageFailureFilter}), never let through on counters of this node alone:
 * with N nodes those would allow N times the bound (issue 9, item 4: stricter, never
 * looser). This costs no sign-in that could have succeeded, since the login session a
 * sign-in creates lives in the same Redis. A slot that cannot be given back expires with
 * its window.
 */
public final class RedisLoginThrottle implements LoginThrottle {

	private static final Logger logger = LoggerFactory.getLogger(RedisLoginThrottle.class);

	/**
	 * KEYS: the counters in order (the address's first when ARGV[2] is "1"); ARGV[1]: the
	 * window in ms; ARGV[2]: whether KEYS[1] is the address; ARGV[3]: the address bound.
	 * Returns 0 when the address is throttled (nothing else counted), else the last
	 * count.
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

	public RedisLoginThrottle(StringRedisTemplate redis, String keyPrefix, int maxPerAccount, int maxPerAddress,
			Duration window) {
		this.redis = redis;
		// One hash tag for every counter: the script touches two keys, which Redis
		// Cluster
		// allows only within one slot (the counters are small and few).
		this.prefix = keyPrefix + "login:{throttle}:";
		this.maxPerAccount = maxPerAccount;
		this.maxPerAddress = maxPerAddress;
		this.window = window;
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
			BackendBreakers.logFailure(logger, "Password check refused: the login throttling counters are unavailable",
					ex);
			throw new RedisConnectionFailureException("Login throttling counters are unavailable", ex);
		}
	}

	@Override
	public void release(LoginAttempt attempt) {
		try {
			this.redis.execute(RELEASE, keys(attempt));
		}
		catch (RuntimeException ex) {
			logger.debug("A login throttling slot was not given back (it expires with its window): {}",
					ex.getMessage());
		}
	}

	@Override
	public void reset(String loginName) {
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
