package dev.lanyard.server.device;

import java.time.Duration;
import java.util.concurrent.ConcurrentMap;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.storage.RedisMode;
import dev.lanyard.server.token.TokenHash;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceCodeAuthenticationToken;
import org.springframework.stereotype.Component;

/**
 * RFC 8628 §3.5: a device that polls the token endpoint again sooner than the interval
 * ({@value #INTERVAL_SECONDS} s, the RFC's default, which the device authorization
 * response leaves implicit) gets {@code slow_down}, and the framework never looks its
 * code up. At most one poll per device code and interval is answered, across nodes when
 * Redis is configured (a key per code with the interval as its lifetime), else in this
 * node. Thread-safe.
 */
@Component
public class DevicePolling {

	static final int INTERVAL_SECONDS = 5;

	/**
	 * How long a poll holds the interval: a little under it, so that a device polling
	 * every 5 seconds on its own clock, with a network between, is not told to slow down
	 * for arriving a few milliseconds early.
	 */
	private static final Duration INTERVAL = Duration.ofSeconds(INTERVAL_SECONDS).minusMillis(500);

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	private final ConcurrentMap<String, Boolean> recent = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterWrite(INTERVAL)
		.<String, Boolean>build()
		.asMap();

	DevicePolling(RedisMode redisMode, ObjectProvider<StringRedisTemplate> redis, LanyardProperties properties) {
		this.redis = redisMode.enabled() ? redis.getObject() : null;
		this.keyPrefix = properties.redis().keyPrefix() + "device-poll:";
	}

	/** The framework's device code provider with this rule in front of it. */
	public AuthenticationProvider around(AuthenticationProvider provider) {
		if (!provider.supports(OAuth2DeviceCodeAuthenticationToken.class)) {
			return provider;
		}
		return new AuthenticationProvider() {

			@Override
			public Authentication authenticate(Authentication authentication) {
				if (!firstPollOfInterval(((OAuth2DeviceCodeAuthenticationToken) authentication).getDeviceCode())) {
					throw new OAuth2AuthenticationException(new OAuth2Error("slow_down",
							"Poll at most every " + INTERVAL_SECONDS + " seconds, and 5 seconds slower from now on",
							"https://datatracker.ietf.org/doc/html/rfc8628#section-3.5"));
				}
				return provider.authenticate(authentication);
			}

			@Override
			public boolean supports(Class<?> authentication) {
				return provider.supports(authentication);
			}

		};
	}

	/**
	 * Whether this is the first poll with this device code in the current interval.
	 * Without Redis (not configured, or unreachable), this node's memory decides: the
	 * rule is a politeness rule, looser across nodes for a while rather than a token
	 * endpoint that fails and a person's approval lost with it (RFC 8628 §3.5: a device
	 * keeps polling only on {@code authorization_pending} and {@code slow_down}).
	 */
	boolean firstPollOfInterval(String deviceCode) {
		String hash = TokenHash.of(deviceCode);
		if (this.redis != null) {
			try {
				return Boolean.TRUE.equals(this.redis.opsForValue().setIfAbsent(this.keyPrefix + hash, "1", INTERVAL));
			}
			catch (DataAccessException ex) {
				// Redis unreachable: this node's memory below.
			}
		}
		return this.recent.putIfAbsent(hash, Boolean.TRUE) == null;
	}

}
