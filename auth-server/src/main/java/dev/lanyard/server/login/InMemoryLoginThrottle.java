package dev.lanyard.server.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Login throttling counters in this JVM, the default without Redis (one node). Bounded in
 * time (a counter lives until its window ends) and in size ({@value #MAXIMUM_KEYS} keys,
 * least useful evicted first), whatever an attacker sends.
 */
public final class InMemoryLoginThrottle implements LoginThrottle {

	static final int MAXIMUM_KEYS = 100_000;

	private final Cache<String, Window> counters;

	private final int maxPerAccount;

	private final int maxPerAddress;

	private final Duration window;

	private final Clock clock;

	public InMemoryLoginThrottle(int maxPerAccount, int maxPerAddress, Duration window, Clock clock) {
		this.maxPerAccount = maxPerAccount;
		this.maxPerAddress = maxPerAddress;
		this.window = window;
		this.clock = clock;
		this.counters = Caffeine.newBuilder()
			.maximumSize(MAXIMUM_KEYS)
			.ticker(() -> clock.millis() * 1_000_000L)
			.expireAfter(Expiry.<String, Window>writing((key, counter) -> remaining(counter)))
			.build();
	}

	@Override
	public boolean tryAcquire(LoginAttempt attempt) {
		if (attempt.addressKey() != null && increment(attempt.addressKey()) > this.maxPerAddress) {
			return false;
		}
		return attempt.boundKey() == null || increment(attempt.boundKey()) <= this.maxPerAccount;
	}

	@Override
	public void release(LoginAttempt attempt) {
		if (attempt.addressKey() != null) {
			decrement(attempt.addressKey());
		}
		if (attempt.boundKey() != null) {
			decrement(attempt.boundKey());
		}
	}

	@Override
	public void reset(String loginName) {
		this.counters.invalidate(LoginAttempt.accountKey(loginName));
	}

	/** How many keys are counted now (for tests of the bound). */
	long size() {
		this.counters.cleanUp();
		return this.counters.estimatedSize();
	}

	private int increment(String key) {
		Instant now = this.clock.instant();
		return this.counters.asMap()
			.compute(key,
					(k, current) -> (current == null || !current.endsAt().isAfter(now))
							? new Window(1, now.plus(this.window)) : new Window(current.count() + 1, current.endsAt()))
			.count();
	}

	private void decrement(String key) {
		this.counters.asMap()
			.computeIfPresent(key,
					(k, current) -> (current.count() <= 1) ? null : new Window(current.count() - 1, current.endsAt()));
	}

	private Duration remaining(Window counter) {
		Duration left = Duration.between(this.clock.instant(), counter.endsAt());
		return left.isNegative() ? Duration.ZERO : left;
	}

	private record Window(int count, Instant endsAt) {
	}

}
