package dev.lanyard.server.token;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Token responses per grant type and minute, for the dashboard's last-hour chart: counted
 * in Redis so every node's tokens show (one {@code INCR} per token response), or in this
 * node alone without Redis. A Redis failure loses counts, never a token response.
 * Thread-safe.
 */
public final class TokenIssuanceStatistics {

	private static final Logger logger = LoggerFactory.getLogger(TokenIssuanceStatistics.class);

	/** The grant types the chart shows, in order. */
	public static final List<String> GRANT_TYPES = List.of("authorization_code", "refresh_token", "client_credentials",
			"urn:ietf:params:oauth:grant-type:token-exchange");

	private static final int MINUTES = 60;

	private final StringRedisTemplate redis;

	private final String prefix;

	private final Clock clock;

	private final Map<String, AtomicLong> local = new ConcurrentHashMap<>();

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
		String key = key(grantType, minute());
		if (this.redis != null) {
			try {
				Long count = this.redis.opsForValue().increment(key);
				if (count != null && count == 1) {
					this.redis.expire(key, Duration.ofMinutes(MINUTES + 5));
				}
				return;
			}
			catch (RuntimeException ex) {
				logger.debug("Token statistics not counted in Redis: {}", ex.getMessage());
			}
		}
		this.local.computeIfAbsent(key, (k) -> new AtomicLong()).incrementAndGet();
		if (this.local.size() > GRANT_TYPES.size() * (MINUTES + 5)) {
			long oldest = minute() - MINUTES;
			this.local.keySet().removeIf((k) -> Long.parseLong(k.substring(k.lastIndexOf(':') + 1)) < oldest);
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
				AtomicLong local = this.local.get(keys.get(index));
				series.add(count + ((local != null) ? local.get() : 0));
			}
			counts.put(GRANT_TYPES.get(g), series);
		}
		return counts;
	}

	private long minute() {
		return this.clock.instant().getEpochSecond() / 60;
	}

	private String key(String grantType, long minute) {
		return this.prefix + grantType + ":" + minute;
	}

}
