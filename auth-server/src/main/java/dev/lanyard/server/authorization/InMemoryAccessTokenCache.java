package dev.lanyard.server.authorization;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * The in-process stand-in for the Redis cache, for a single node without Redis
 * (Caffeine). Bounded by size ({@value #MAXIMUM_ENTRIES} tokens, the least useful evicted
 * first, never everything at once) and by each entry's time to live.
 */
public final class InMemoryAccessTokenCache implements AccessTokenCache {

	static final int MAXIMUM_ENTRIES = 100_000;

	private final Cache<String, Timed> entries;

	private final Clock clock;

	public InMemoryAccessTokenCache(Clock clock) {
		this.clock = clock;
		this.entries = Caffeine.newBuilder()
			.maximumSize(MAXIMUM_ENTRIES)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.expireAfter(Expiry.<String, Timed>writing((hash, timed) -> {
				Duration left = Duration.between(clock.instant(), timed.expiresAt());
				return left.isNegative() ? Duration.ZERO : left;
			}))
			.build();
	}

	@Override
	public Optional<Entry> get(String tokenHash) {
		return Optional.ofNullable(this.entries.getIfPresent(tokenHash)).map(Timed::entry);
	}

	@Override
	public boolean putIfNewer(String tokenHash, Entry entry, Duration ttl) {
		Instant expiresAt = this.clock.instant().plus(ttl);
		this.entries.asMap()
			.merge(tokenHash, new Timed(entry, expiresAt), (current,
					candidate) -> (current.entry().version() >= candidate.entry().version()) ? current : candidate);
		return true;
	}

	@Override
	public boolean putIfAbsent(String tokenHash, Entry entry, Duration ttl) {
		this.entries.asMap().putIfAbsent(tokenHash, new Timed(entry, this.clock.instant().plus(ttl)));
		return true;
	}

	/** How many tokens are cached now (for tests of the bound). */
	long size() {
		this.entries.cleanUp();
		return this.entries.estimatedSize();
	}

	private record Timed(Entry entry, Instant expiresAt) {
	}

}
