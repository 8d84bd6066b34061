package dev.lanyard.server.authorization;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process stand-in for the Redis cache, for a single node without Redis. Bounded: it
 * drops everything when full rather than grow without limit.
 */
public final class InMemoryAccessTokenCache implements AccessTokenCache {

	private static final int MAXIMUM_ENTRIES = 100_000;

	private final ConcurrentHashMap<String, Timed> entries = new ConcurrentHashMap<>();

	private final Clock clock;

	public InMemoryAccessTokenCache(Clock clock) {
		this.clock = clock;
	}

	@Override
	public Optional<Entry> get(String tokenHash) {
		Timed timed = this.entries.get(tokenHash);
		if (timed == null) {
			return Optional.empty();
		}
		if (timed.expiresAt().isBefore(this.clock.instant())) {
			this.entries.remove(tokenHash, timed);
			return Optional.empty();
		}
		return Optional.of(timed.entry());
	}

	@Override
	public boolean putIfNewer(String tokenHash, Entry entry, Duration ttl) {
		if (this.entries.size() >= MAXIMUM_ENTRIES) {
			this.entries.clear();
		}
		Instant expiresAt = this.clock.instant().plus(ttl);
		this.entries.merge(tokenHash, new Timed(entry, expiresAt),
				(current, candidate) -> (current.entry().version() >= candidate.entry().version()) ? current : candidate);
		return true;
	}

	private record Timed(Entry entry, Instant expiresAt) {
	}

}
