package dev.lanyard.server.authorization;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.stream.Stream;

import dev.lanyard.server.TestBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The version rule both caches keep: an entry is only ever replaced by a newer one, and a
 * new token's first row never replaces anything.
 */
class AccessTokenCacheTest {

	static Stream<AccessTokenCache> caches() {
		java.net.URI redis = java.net.URI.create(TestBackends.redisUrl());
		LettuceConnectionFactory connections = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()));
		connections.afterPropertiesSet();
		connections.start();
		return Stream.of(new InMemoryAccessTokenCache(Clock.systemUTC()), new RedisAccessTokenCache(
				new StringRedisTemplate(connections), "cache-test-" + UUID.randomUUID() + ":"));
	}

	@ParameterizedTest
	@MethodSource("caches")
	void putIfNewerWhenOlderVersionThenKeepsNewer(AccessTokenCache cache) {
		cache.putIfNewer("h1", new AccessTokenCache.Entry(3, "{\"v\":3}"), Duration.ofMinutes(1));

		cache.putIfNewer("h1", new AccessTokenCache.Entry(2, "{\"v\":2}"), Duration.ofMinutes(1));
		cache.putIfNewer("h1", new AccessTokenCache.Entry(3, "{\"v\":\"same\"}"), Duration.ofMinutes(1));

		assertThat(cache.get("h1")).contains(new AccessTokenCache.Entry(3, "{\"v\":3}"));
		cache.putIfNewer("h1", new AccessTokenCache.Entry(4, "{\"v\":4}"), Duration.ofMinutes(1));
		assertThat(cache.get("h1")).contains(new AccessTokenCache.Entry(4, "{\"v\":4}"));
	}

	@ParameterizedTest
	@MethodSource("caches")
	void putIfNewerWhenTombstoneThenOlderRowsStayOut(AccessTokenCache cache) {
		cache.putIfNewer("h2", new AccessTokenCache.Entry(1, "{\"row\":1}"), Duration.ofMinutes(1));
		cache.putIfNewer("h2", AccessTokenCache.Entry.tombstone(2), Duration.ofMinutes(1));

		cache.putIfNewer("h2", new AccessTokenCache.Entry(1, "{\"row\":1}"), Duration.ofMinutes(1));

		assertThat(cache.get("h2")).hasValueSatisfying((entry) -> assertThat(entry.gone()).isTrue());
		assertThat(cache.get("unknown")).isEmpty();
	}

	/**
	 * The first row of a new token is cached unless a revocation or a newer version got
	 * there first.
	 */
	@ParameterizedTest
	@MethodSource("caches")
	void putIfAbsentWhenNothingCachedThenCachedElseWhatIsCachedStays(AccessTokenCache cache) {
		cache.putIfAbsent("issued", new AccessTokenCache.Entry(0, "{\"v\":0}"), Duration.ofMinutes(1));
		assertThat(cache.get("issued")).contains(new AccessTokenCache.Entry(0, "{\"v\":0}"));

		cache.putIfNewer("revoked-first", AccessTokenCache.Entry.tombstone(Long.MAX_VALUE), Duration.ofMinutes(1));
		cache.putIfAbsent("revoked-first", new AccessTokenCache.Entry(0, "{\"v\":0}"), Duration.ofMinutes(1));
		assertThat(cache.get("revoked-first")).hasValueSatisfying((entry) -> assertThat(entry.gone()).isTrue());

		cache.putIfNewer("refreshed-first", new AccessTokenCache.Entry(1, "{\"v\":1}"), Duration.ofMinutes(1));
		cache.putIfAbsent("refreshed-first", new AccessTokenCache.Entry(0, "{\"v\":0}"), Duration.ofMinutes(1));
		assertThat(cache.get("refreshed-first")).contains(new AccessTokenCache.Entry(1, "{\"v\":1}"));
	}

	@ParameterizedTest
	@MethodSource("caches")
	void getWhenTtlPassedThenMiss(AccessTokenCache cache) throws InterruptedException {
		cache.putIfNewer("h3", new AccessTokenCache.Entry(1, "{}"), Duration.ofMillis(50));
		cache.putIfAbsent("h4", new AccessTokenCache.Entry(0, "{}"), Duration.ofMillis(50));
		Thread.sleep(300);
		assertThat(cache.get("h3")).isEmpty();
		assertThat(cache.get("h4")).isEmpty();
	}

	/**
	 * Issue 10: the in-memory cache is bounded without ever being emptied at once: tokens
	 * in use stay cached through a flood of new ones past the bound.
	 */
	@org.junit.jupiter.api.Test
	void inMemoryWhenFloodedPastTheBoundThenTokensInUseStay() {
		InMemoryAccessTokenCache cache = new InMemoryAccessTokenCache(Clock.systemUTC());
		AccessTokenCache.Entry hot = new AccessTokenCache.Entry(1, "{\"hot\":true}");
		cache.putIfNewer("hot", hot, Duration.ofMinutes(5));
		// Rows of a kilobyte, as a user's grant is: the bound is what they hold, not how
		// many they are.
		String row = "{\"row\":\"" + "x".repeat(1000) + "\"}";
		long holds = InMemoryAccessTokenCache.MAXIMUM_CHARACTERS
				/ (InMemoryAccessTokenCache.ENTRY_OVERHEAD + row.length());
		for (int i = 0; i < holds + 20_000; i++) {
			cache.putIfNewer("flood-" + i, new AccessTokenCache.Entry(1, row), Duration.ofMinutes(5));
			if (i % 1_000 == 0) {
				assertThat(cache.get("hot")).as("after %d new tokens", i).contains(hot);
			}
		}
		assertThat(cache.get("hot")).contains(hot);
		assertThat(cache.size()).isLessThanOrEqualTo(holds + 1);
	}

}
