package dev.lanyard.server.exchange;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reuse of issued internal JWTs: only for the same client, audience and scope, and only
 * while fresh.
 */
class ExchangedTokenCacheTest {

	private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

	private final ExchangedTokenCache cache = new ExchangedTokenCache(Clock.fixed(NOW, ZoneOffset.UTC));

	private final ExchangedTokenCache.IssuedJwt jwt = new ExchangedTokenCache.IssuedJwt("a.b.c", "k1", NOW,
			NOW.plusSeconds(300), Set.of("openid"));

	@Test
	void findWhenSameClientAudienceAndScopeThenReused() {
		this.cache.put("subject", "gateway", "internal", "openid", this.jwt);
		assertThat(this.cache.find("subject", "gateway", "internal", "openid")).contains(this.jwt);
	}

	@Test
	void findWhenAnotherExchangingClientThenNotReused() {
		// The JWT names its exchanging client in "act": another client must get its own.
		this.cache.put("subject", "gateway", "internal", "openid", this.jwt);
		assertThat(this.cache.find("subject", "other-gateway", "internal", "openid")).isEmpty();
		assertThat(this.cache.find("subject", "gateway", "billing", "openid")).isEmpty();
		assertThat(this.cache.find("subject", "gateway", "internal", "openid profile")).isEmpty();
	}

	@Test
	void findWhenLessThanAMinuteLeftOrEvictedThenNotReused() {
		this.cache.put("subject", "gateway", "internal", "openid", new ExchangedTokenCache.IssuedJwt("x.y.z", "k1", NOW,
				NOW.plus(ExchangedTokenCache.MINIMUM_REMAINING).minusSeconds(1), Set.of("openid")));
		assertThat(this.cache.find("subject", "gateway", "internal", "openid")).isEmpty();
		this.cache.put("other", "gateway", "internal", "openid", this.jwt);
		this.cache.evict(List.of("other"));
		assertThat(this.cache.find("other", "gateway", "internal", "openid")).isEmpty();
	}

	/**
	 * Issue 10: bounded without ever being emptied at once: a subject token in use keeps
	 * its JWT through a flood of new subjects past the bound.
	 */
	@Test
	void putWhenFloodedPastTheBoundThenSubjectsInUseStay() {
		this.cache.put("hot", "gateway", "internal", "openid", this.jwt);
		for (int i = 0; i < ExchangedTokenCache.MAXIMUM_SUBJECTS + 10_000; i++) {
			this.cache.put("flood-" + i, "gateway", "internal", "openid", this.jwt);
			if (i % 1_000 == 0) {
				assertThat(this.cache.find("hot", "gateway", "internal", "openid")).as("after %d", i)
					.contains(this.jwt);
			}
		}
		assertThat(this.cache.find("hot", "gateway", "internal", "openid")).contains(this.jwt);
		assertThat(this.cache.size()).isLessThanOrEqualTo(ExchangedTokenCache.MAXIMUM_SUBJECTS);
	}

	@Test
	void findWhenExpiredThenGone() {
		java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(
				NOW);
		Clock moving = new Clock() {

			@Override
			public java.time.ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(java.time.ZoneId zone) {
				return this;
			}

			@Override
			public Instant instant() {
				return now.get();
			}

		};
		ExchangedTokenCache cache = new ExchangedTokenCache(moving);
		cache.put("subject", "gateway", "internal", "openid", this.jwt);
		now.set(NOW.plusSeconds(301));
		assertThat(cache.find("subject", "gateway", "internal", "openid")).isEmpty();
		assertThat(cache.size()).isZero();
	}

}
