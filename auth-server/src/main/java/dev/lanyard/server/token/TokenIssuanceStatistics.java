package dev.lanyard.server.token;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Token responses per grant type and minute, for the dashboard's last-hour chart. A token
 * response only adds to this node's count; every few seconds the counts are added to
 * Redis ({@code INCRBY}, one per grant type and minute) so every node's tokens show,
 * instead of a Redis round trip on every token response. Without Redis, or while it is
 * out, counts stay in this node and still show on its dashboard; they are added once it
 * is back (at least once: an addition that timed out may still have reached Redis, so the
 * chart may count a few twice after an outage, never lose them). A Redis failure never
 * costs a token response. Thread-safe.
 */
public final class TokenIssuanceStatistics {

	private static final Logger logger = LoggerFactory.getLogger(TokenIssuanceStatistics.class);

	/** The grant types the chart shows, in order. */
	public static final List<String> GRANT_TYPES = List.of("authorization_code", "refresh_token", "client_credentials",
			"urn:ietf:params:oauth:grant-type:token-exchange");

	private static final int MINUTES = 60;

	/**
	 * Adds to a minute's count and gives the key its expiry in one step: an addition
	 * whose expiry was lost (a node stopped between two commands) would keep the key for
	 * ever.
	 */
	private static final DefaultRedisScript<Long> ADD = new DefaultRedisScript<>("""
			local total = redis.call('INCRBY', KEYS[1], ARGV[1])
			if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
			return total""", Long.class);

	private final StringRedisTemplate redis;

	private final String prefix;

	private final Clock clock;

	/** Counts not yet in Redis (all counts without Redis), by key. */
	private final Map<String, Long> local = new ConcurrentHashMap<>();

	/**
	 * @param redis the shared Redis; {@code null} to count in this node only
	 * @param keyPrefix Lanyard's Redis key prefix
	 */
	public TokenIssuanceStatistics(StringRedisTemplate redis, String keyPrefix, Clock clock) {
		this.redis = redis;
		this.prefix = keyPrefix + "issued:";
		this.clock = clock;
	}

	/** Counts one token response of a grant type. */
	public void record(String grantType) {
		if (!GRANT_TYPES.contains(grantType)) {
			return;
		}
		this.local.merge(key(grantType, minute()), 1L, Long::sum);
	}

	/**
	 * Adds this node's counts to Redis; what cannot be added stays here for the next
	 * time. Counts older than the chart are dropped.
	 */
	@Scheduled(fixedDelayString = "PT2S", initialDelayString = "PT2S")
	public void flush() {
		long oldest = minute() - MINUTES;
		for (String key : this.local.keySet()) {
			if (minuteOf(key) < oldest) {
				this.local.remove(key);
			}
			else if (this.redis != null) {
				Long count = this.local.remove(key);
				if (count != null && !added(key, count)) {
					this.local.merge(key, count, Long::sum);
					return;
				}
			}
		}
	}

	private boolean added(String key, long count) {
		try {
			this.redis.execute(ADD, List.of(key), Long.toString(count),
					Long.toString(Duration.ofMinutes(MINUTES + 5).toSeconds()));
			return true;
		}
		catch (RuntimeException ex) {
			logger.debug("Token statistics not counted in Redis: {}", ex.getMessage());
			return false;
		}
	}

	/** For each grant type, the counts of the last 60 minutes, oldest first. */
	public Map<String, List<Long>> lastHour() {
		long now = minute();
		List<String> keys = new ArrayList<>();
		for (String grant : GRANT_TYPES) {
			for (long minute = now - MINUTES + 1; minute <= now; minute++) {
				keys.add(key(grant, minute));
			}
		}
		List<String> values = null;
		if (this.redis != null) {
			try {
				values = this.redis.opsForValue().multiGet(keys);
			}
			catch (RuntimeException ex) {
				logger.debug("Token statistics unavailable from Redis: {}", ex.getMessage());
			}
		}
		Map<String, List<Long>> counts = new LinkedHashMap<>();
		for (int g = 0; g < GRANT_TYPES.size(); g++) {
			List<Long> series = new ArrayList<>();
			for (int m = 0; m < MINUTES; m++) {
				int index = g * MINUTES + m;
				String value = (values != null) ? values.get(index) : null;
				long count = (value != null) ? Long.parseLong(value) : 0;
				series.add(count + this.local.getOrDefault(keys.get(index), 0L));
			}
			counts.put(GRANT_TYPES.get(g), series);
		}
		return counts;
	}

	private long minute() {
		return this.clock.instant().getEpochSecond() / 60;
	}

	private static long minuteOf(String key) {
		return Long.parseLong(key.substring(key.lastIndexOf(':') + 1));
	}

	private String key(String grantType, long minute) {
		return this.prefix + grantType + ":" + minute;
	}

}
