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
 * (Caffeine). Bounded by the size of what it holds ({@value #MAXIMUM_CHARACTERS}
 * characters of token rows, about 32 MB: some 15,000 user tokens of about 1 KB, far more
 * client tokens and tombstones; the least useful evicted first, never everything at once)
 * and by each entry's time to live. A count of entries bounded nothing: 100,000 rows of a
 * kilobyte and more took over half of the image's heap. A token not held is read from
 * PostgreSQL.
 */
public final class InMemoryAccessTokenCache implements AccessTokenCache {

	static final long MAXIMUM_CHARACTERS = 16L * 1024 * 1024;

	/** What an entry costs beyond its row's characters (the hash, the objects). */
	static final int ENTRY_OVERHEAD = 64;

	private final Cache<String, Timed> entries;

	private final Clock clock;

	public InMemoryAccessTokenCache(Clock clock) {
		this.clock = clock;
		this.entries = Caffeine.newBuilder()
			.maximumWeight(MAXIMUM_CHARACTERS)
			.weigher((String hash, Timed timed) -> ENTRY_OVERHEAD
					+ ((timed.entry().row() != null) ? timed.entry().row().length() : 0))
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
