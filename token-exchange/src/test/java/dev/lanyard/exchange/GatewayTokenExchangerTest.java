package dev.lanyard.exchange;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exchanger's caching rules, with a scripted authorization server answer (the real
 * server is exercised end to end in the gateway tests).
 */
class GatewayTokenExchangerTest {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final AtomicInteger calls = new AtomicInteger();

	@Test
	void exchangeWhenCachedThenAuthorizationServerAskedOnceUntilExpiryMargin() {
		GatewayTokenExchanger exchanger = exchanger(
				(token) -> new ExchangeResult.Exchanged("jwt-" + token, this.clock.instant().plusSeconds(300)));
		assertThat(exchanger.exchange("lyat_a")).isEqualTo(exchanger.exchange("lyat_a"));
		assertThat(this.calls).hasValue(1);
		this.clock.advance(Duration.ofSeconds(269));
		exchanger.exchange("lyat_a");
		assertThat(this.calls).hasValue(1);
		this.clock.advance(Duration.ofSeconds(2));
		exchanger.exchange("lyat_a");
		assertThat(this.calls).hasValue(2);
	}

	/**
	 * Issue 9, item 8: while the revocation channel is not heard, cached JWTs are served
	 * for seconds only; once heard again, everything cached is dropped (messages were
	 * missed).
	 */
	@Test
	void exchangeWhenRevocationsNotHeardThenCacheShortAndDroppedWhenHeardAgain() {
		GatewayTokenExchanger exchanger = exchanger(
				(token) -> new ExchangeResult.Exchanged("jwt-" + token, this.clock.instant().plusSeconds(300)));
		exchanger.exchange("lyat_a");
		exchanger.revocationFeed(false);
		this.clock.advance(GatewayTokenExchanger.UNHEARD_CACHE_TTL.plusSeconds(1));
		exchanger.exchange("lyat_a");
		assertThat(this.calls).as("cached longer ago than the short TTL: asked again").hasValue(2);
		exchanger.exchange("lyat_a");
		assertThat(this.calls).as("freshly cached: served").hasValue(2);
		exchanger.revocationFeed(true);
		assertThat(exchanger.size()).isZero();
		exchanger.exchange("lyat_a");
		this.clock.advance(Duration.ofSeconds(60));
		exchanger.exchange("lyat_a");
		assertThat(this.calls).as("heard: the full cache time again").hasValue(3);
	}

	/**
	 * A resubscription (the Redis client reconnected, e.g. to a new primary after a
	 * failover) may follow a gap no check noticed: it drops what is cached even though
	 * the channel was never marked unheard.
	 */
	@Test
	void exchangeWhenChannelSubscribedAgainThenCacheDropped() {
		GatewayTokenExchanger exchanger = exchanger(
				(token) -> new ExchangeResult.Exchanged("jwt-" + token, this.clock.instant().plusSeconds(300)));
		exchanger.exchange("lyat_a");
		exchanger.exchange("lyat_a");
		assertThat(this.calls).hasValue(1);
		exchanger.revocationFeedSubscribed();
		assertThat(exchanger.size()).isZero();
		assertThat(exchanger.revocationsHeard()).isTrue();
		exchanger.exchange("lyat_a");
		assertThat(this.calls).as("asked again after the resubscription").hasValue(2);
	}

	/**
	 * The authorization server's messages as published: one naming tokens revokes them; a
	 * withdrawal that does not name its key (written by a node of an earlier version,
	 * with {@code drop_all} or only its reason) drops everything cached, and again a
	 * moment later for exchanges answered by a node still signing with the withdrawn key.
	 */
	@Test
	void revocationMessageWhenDropAllThenEverythingCachedDroppedNowAndAgainAMomentLater() throws Exception {
		GatewayTokenExchanger exchanger = exchanger(
				(token) -> new ExchangeResult.Exchanged("jwt-" + token, this.clock.instant().plusSeconds(300)));
		exchanger.exchange("lyat_a");
		exchanger.exchange("lyat_b");
		exchanger.revocationMessage("{\"token_hashes\":[\"" + TokenHashes.sha256("lyat_a")
				+ "\"],\"session_ids\":[],\"reason\":\"logout\"}");
		assertThat(exchanger.size()).isOne();
		exchanger.revocationMessage("not json");
		assertThat(exchanger.size()).isOne();

		exchanger.revocationMessage(
				"{\"token_hashes\":[],\"session_ids\":[],\"reason\":\"signing_key_withdrawn\",\"drop_all\":true}");

		assertThat(exchanger.size()).isZero();
		exchanger.exchange("lyat_b");
		assertThat(exchanger.size()).as("cached in the moment after the drop").isOne();
		await().atMost(GatewayTokenExchanger.DROP_ALL_AGAIN_AFTER.plusSeconds(2)).until(() -> exchanger.size() == 0);
		assertThat(exchanger.exchange("lyat_a")).as("revoked by the first message")
			.isEqualTo(new ExchangeResult.Rejected("invalid_grant"));
		// As relayed by a node of the previous version: the reason, without the flag.
		exchanger.exchange("lyat_b");
		exchanger.revocationMessage("{\"token_hashes\":[],\"session_ids\":[],\"reason\":\"signing_key_withdrawn\"}");
		assertThat(exchanger.size()).isZero();
	}

	/**
	 * A withdrawal that names its key drops the JWTs that key signed and keeps the others
	 * (a retired key's withdrawal, or a rotation meanwhile, leaves most of a busy cache
	 * good); a JWT the withdrawn key signs afterwards (a node that has not yet re-read
	 * its keys) is passed on but never kept, so the gateway does not serve it for
	 * minutes.
	 */
	@Test
	void revocationMessageWhenWithdrawnKeyNamedThenOnlyItsJwtsDroppedAndNoneItSignsLaterKept() {
		AtomicReference<String> signingKey = new AtomicReference<>("key-old");
		GatewayTokenExchanger exchanger = exchanger((token) -> new ExchangeResult.Exchanged(
				jwtSignedBy(signingKey.get(), token), this.clock.instant().plusSeconds(300)));
		exchanger.exchange("lyat_a");
		signingKey.set("key-new");
		exchanger.exchange("lyat_b");

		exchanger.revocationMessage("{\"token_hashes\":[],\"session_ids\":[],"
				+ "\"reason\":\"signing_key_withdrawn\",\"drop_all\":true,\"kid\":\"key-old\"}");

		assertThat(exchanger.size()).as("the other key's JWT stays").isOne();
		exchanger.exchange("lyat_b");
		assertThat(this.calls).hasValue(2);
		assertThat(((ExchangeResult.Exchanged) exchanger.exchange("lyat_a")).jwt()).as("exchanged again")
			.isEqualTo(jwtSignedBy("key-new", "lyat_a"));
		assertThat(this.calls).hasValue(3);

		signingKey.set("key-old");
		ExchangeResult late = exchanger.exchange("lyat_c");
		assertThat(((ExchangeResult.Exchanged) late).jwt()).isEqualTo(jwtSignedBy("key-old", "lyat_c"));
		exchanger.exchange("lyat_c");
		assertThat(this.calls).as("signed with the withdrawn key: not kept").hasValue(5);
		signingKey.set("key-new");
		exchanger.exchange("lyat_c");
		exchanger.exchange("lyat_c");
		assertThat(this.calls).hasValue(6);
	}

	private static String jwtSignedBy(String kid, String token) {
		Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
		return base64.encodeToString(
				("{\"typ\":\"at+jwt\",\"alg\":\"RS256\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8))
				+ "." + base64.encodeToString(("{\"sub\":\"" + token + "\"}").getBytes(StandardCharsets.UTF_8))
				+ ".c2lnbmF0dXJl";
	}

	@Test
	void exchangeWhenRejectedThenRememberedBriefly() {
		GatewayTokenExchanger exchanger = exchanger((token) -> new ExchangeResult.Rejected("invalid_grant"));
		for (int i = 0; i < 50; i++) {
			assertThat(exchanger.exchange("lyat_forged")).isInstanceOf(ExchangeResult.Rejected.class);
		}
		assertThat(this.calls).hasValue(1);
		this.clock.advance(Duration.ofSeconds(11));
		exchanger.exchange("lyat_forged");
		assertThat(this.calls).hasValue(2);
	}

	/**
	 * A hung authorization server holds at most so many exchanges (two here): a token
	 * that needs one more waits a moment, then is answered "unavailable" (503) rather
	 * than holding another request thread, and cached JWTs are still served; once the
	 * exchanges end, tokens are exchanged again.
	 */
	@Test
	void exchangeWhenTooManyInFlightThenUnavailableAtOnceAndCachedJwtsStillServed() throws Exception {
		CountDownLatch answer = new CountDownLatch(1);
		AtomicBoolean hung = new AtomicBoolean();
		GatewayTokenExchanger exchanger = new GatewayTokenExchanger((token) -> {
			this.calls.incrementAndGet();
			if (hung.get()) {
				try {
					answer.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return new ExchangeResult.Exchanged("jwt-" + token, this.clock.instant().plusSeconds(300));
		}, Duration.ofSeconds(30), Duration.ofSeconds(10), ExchangeEvents.NONE, this.clock, 2);
		exchanger.exchange("lyat_cached");
		hung.set(true);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			Future<ExchangeResult> first = threads.submit(() -> exchanger.exchange("lyat_a"));
			Future<ExchangeResult> second = threads.submit(() -> exchanger.exchange("lyat_b"));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.calls.get() == 3);

			assertThat(exchanger.exchange("lyat_c")).isInstanceOf(ExchangeResult.Unavailable.class);
			assertThat(this.calls).as("not asked").hasValue(3);
			assertThat(exchanger.exchange("lyat_cached")).isInstanceOf(ExchangeResult.Exchanged.class);

			answer.countDown();
			assertThat(first.get(5, TimeUnit.SECONDS)).isInstanceOf(ExchangeResult.Exchanged.class);
			assertThat(second.get(5, TimeUnit.SECONDS)).isInstanceOf(ExchangeResult.Exchanged.class);
			assertThat(exchanger.exchange("lyat_c")).isInstanceOf(ExchangeResult.Exchanged.class);
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void exchangeWhenUnavailableThenNotCachedAndCachedJwtsStillServed() {
		AtomicInteger mode = new AtomicInteger();
		GatewayTokenExchanger exchanger = exchanger((token) -> (mode.get() == 0)
				? new ExchangeResult.Exchanged("jwt", this.clock.instant().plusSeconds(300))
				: new ExchangeResult.Unavailable("down"));
		exchanger.exchange("lyat_cached");
		mode.set(1);
		assertThat(exchanger.exchange("lyat_cached")).isInstanceOf(ExchangeResult.Exchanged.class);
		assertThat(exchanger.exchange("lyat_new")).isInstanceOf(ExchangeResult.Unavailable.class);
		assertThat(exchanger.exchange("lyat_new")).isInstanceOf(ExchangeResult.Unavailable.class);
		assertThat(this.calls).hasValue(3);
	}

	/**
	 * A token heard revoked is dropped and then refused without asking the authorization
	 * server, one of whose nodes may still answer from its copy of the token cache for a
	 * moment (docs/SECURITY.md OA-49), until its revocation is forgotten.
	 */
	@Test
	void revokedWhenHashPublishedThenDroppedAtOnceAndRefusedWithoutAsking() {
		GatewayTokenExchanger exchanger = exchanger(
				(token) -> new ExchangeResult.Exchanged("jwt", this.clock.instant().plusSeconds(300)));
		exchanger.exchange("lyat_revoked");
		exchanger.revoked(List.of(TokenHashes.sha256("lyat_revoked")));
		assertThat(exchanger.size()).isZero();
		assertThat(exchanger.exchange("lyat_revoked")).isEqualTo(new ExchangeResult.Rejected("invalid_grant"));
		assertThat(this.calls).hasValue(1);
		assertThat(exchanger.exchange("lyat_other")).isInstanceOf(ExchangeResult.Exchanged.class);
		this.clock.advance(Duration.ofMinutes(7));
		assertThat(exchanger.exchange("lyat_revoked")).as("remembered revocations expire")
			.isInstanceOf(ExchangeResult.Exchanged.class);
		assertThat(this.calls).hasValue(3);
	}

	@Test
	void exchangeWhenManyConcurrentRequestsForOneTokenThenOneExchangeInFlight() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		GatewayTokenExchanger exchanger = exchanger((token) -> {
			try {
				release.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return new ExchangeResult.Exchanged("jwt", this.clock.instant().plusSeconds(300));
		});
		ExecutorService pool = Executors.newFixedThreadPool(16);
		try {
			List<Future<ExchangeResult>> results = new java.util.ArrayList<>();
			for (int i = 0; i < 16; i++) {
				results.add(pool.submit(() -> exchanger.exchange("lyat_hot")));
			}
			Thread.sleep(200);
			release.countDown();
			for (Future<ExchangeResult> result : results) {
				assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOf(ExchangeResult.Exchanged.class);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.calls).hasValue(1);
	}

	/**
	 * Even an Error in the exchange answers the requests waiting on it, and the next one
	 * retries.
	 */
	@Test
	void exchangeWhenExchangeFailsWithErrorThenWaitersAnsweredUnavailable() throws Exception {
		CountDownLatch waiterArrived = new CountDownLatch(1);
		AtomicInteger attempt = new AtomicInteger();
		GatewayTokenExchanger exchanger = exchanger((token) -> {
			if (attempt.incrementAndGet() == 1) {
				try {
					waiterArrived.await(5, TimeUnit.SECONDS);
					Thread.sleep(200);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				throw new StackOverflowError("simulated");
			}
			return new ExchangeResult.Exchanged("jwt", this.clock.instant().plusSeconds(300));
		});
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			Future<ExchangeResult> first = pool.submit(() -> exchanger.exchange("lyat_boom"));
			Thread.sleep(100);
			Future<ExchangeResult> waiter = pool.submit(() -> {
				waiterArrived.countDown();
				return exchanger.exchange("lyat_boom");
			});
			assertThat(waiter.get(5, TimeUnit.SECONDS)).isInstanceOf(ExchangeResult.Unavailable.class);
			assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> first.get(5, TimeUnit.SECONDS)))
				.hasCauseInstanceOf(StackOverflowError.class);
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(exchanger.exchange("lyat_boom")).isInstanceOf(ExchangeResult.Exchanged.class);
	}

	/**
	 * A revocation that arrives while the exchange is in flight wins over its answer:
	 * refused, not cached.
	 */
	@Test
	void exchangeWhenRevokedWhileInFlightThenRefusedAndNotCached() {
		AtomicInteger exchanges = new AtomicInteger();
		GatewayTokenExchanger[] holder = new GatewayTokenExchanger[1];
		holder[0] = exchanger((token) -> {
			if (exchanges.incrementAndGet() == 1) {
				holder[0].revoked(List.of(TokenHashes.sha256(token)));
			}
			return new ExchangeResult.Exchanged("jwt", this.clock.instant().plusSeconds(300));
		});
		assertThat(holder[0].exchange("lyat_racing")).isEqualTo(new ExchangeResult.Rejected("invalid_grant"));
		assertThat(holder[0].size()).isZero();
		this.clock.advance(Duration.ofMinutes(7));
		holder[0].exchange("lyat_racing");
		assertThat(holder[0].size()).as("remembered revocations expire").isOne();
	}

	/**
	 * Issue 10: the cache is bounded without ever being emptied at once: a flood of new
	 * tokens (here rejected ones, as an attacker would send) past the bound leaves the
	 * tokens in use cached.
	 */
	@Test
	void exchangeWhenFloodedPastTheBoundThenTokensInUseStayCached() {
		AtomicInteger goodExchanges = new AtomicInteger();
		GatewayTokenExchanger exchanger = exchanger((token) -> token.startsWith("lyat_good")
				? new ExchangeResult.Exchanged("jwt-" + goodExchanges.incrementAndGet(),
						this.clock.instant().plusSeconds(300))
				: new ExchangeResult.Rejected("invalid_grant"));
		for (int round = 0; round < 5; round++) {
			exchanger.exchange("lyat_good");
		}
		for (int i = 0; i < GatewayTokenExchanger.MAXIMUM_ENTRIES + 20_000; i++) {
			exchanger.exchange("lyat_flood_" + i);
			if (i % 10_000 == 0) {
				exchanger.exchange("lyat_good");
			}
		}
		exchanger.exchange("lyat_good");
		assertThat(goodExchanges).as("the token in use was exchanged once, cached all along").hasValue(1);
		assertThat(exchanger.size()).isLessThanOrEqualTo(GatewayTokenExchanger.MAXIMUM_ENTRIES);
	}

	@Test
	void cacheKeyWhenComputedThenTokenHashNotToken() {
		assertThat(TokenHashes.sha256("lyat_secret")).doesNotContain("secret").hasSize(43);
	}

	private GatewayTokenExchanger exchanger(Function<String, ExchangeResult> server) {
		return new GatewayTokenExchanger((token) -> {
			this.calls.incrementAndGet();
			return server.apply(token);
		}, Duration.ofSeconds(30), Duration.ofSeconds(10), ExchangeEvents.NONE, this.clock);
	}

	private static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
