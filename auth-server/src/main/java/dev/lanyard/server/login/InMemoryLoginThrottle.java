package dev.lanyard.server.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Login throttling counters in this JVM: the default without Redis, and each node's
 * fallback when Redis is unreachable (still bounded per node).
 */
public final class InMemoryLoginThrottle implements LoginThrottle {

	private static final int MAXIMUM_KEYS = 200_000;

	private final ConcurrentHashMap<String, Window> counters = new ConcurrentHashMap<>();

	private final int maxPerAccount;

	private final int maxPerAddress;

	private final Duration window;

	private final Clock clock;

	public InMemoryLoginThrottle(int maxPerAccount, int maxPerAddress, Duration window, Clock clock) {
		this.maxPerAccount = maxPerAccount;
		this.maxPerAddress = maxPerAddress;
		this.window = window;
		this.clock = clock;
	}

	@Override
	public boolean tryAcquire(String account, String address) {
		if (this.counters.size() > MAXIMUM_KEYS) {
			Instant now = this.clock.instant();
			this.counters.values().removeIf((window) -> window.endsAt().isBefore(now));
		}
		int accountCount = increment("account:" + account);
		int addressCount = (address != null) ? increment("address:" + address) : 0;
		return accountCount <= this.maxPerAccount && addressCount <= this.maxPerAddress;
	}

	@Override
	public void release(String account, String address) {
		decrement("account:" + account);
		if (address != null) {
			decrement("address:" + address);
		}
	}

	@Override
	public void reset(String account) {
		this.counters.remove("account:" + account);
	}

	private int increment(String key) {
		Instant now = this.clock.instant();
		return this.counters
			.compute(key, (k, current) -> (current == null || current.endsAt().isBefore(now))
					? new Window(1, now.plus(this.window)) : new Window(current.count() + 1, current.endsAt()))
			.count();
	}

	private void decrement(String key) {
		this.counters.computeIfPresent(key,
				(k, current) -> (current.count() <= 1) ? null : new Window(current.count() - 1, current.endsAt()));
	}

	private record Window(int count, Instant endsAt) {
	}

}
