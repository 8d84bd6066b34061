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

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	private final Clock clock;

	public InMemoryAccessTokenCache(Clock clock) {
		this.clock = clock;
	}

	@Override
	public Optional<String> get(String tokenHash) {
		Entry entry = this.entries.get(tokenHash);
		if (entry == null) {
			return Optional.empty();
		}
		if (entry.expiresAt().isBefore(this.clock.instant())) {
			this.entries.remove(tokenHash, entry);
			return Optional.empty();
		}
		return Optional.of(entry.row());
	}

	@Override
	public void putIfAbsent(String tokenHash, String row, Duration ttl) {
		makeRoom();
		this.entries.putIfAbsent(tokenHash, new Entry(row, this.clock.instant().plus(ttl)));
	}

	@Override
	public void put(String tokenHash, String row, Duration ttl) {
		makeRoom();
		this.entries.put(tokenHash, new Entry(row, this.clock.instant().plus(ttl)));
	}

	@Override
	public void evict(Iterable<String> tokenHashes) {
		tokenHashes.forEach(this.entries::remove);
	}

	private void makeRoom() {
		if (this.entries.size() >= MAXIMUM_ENTRIES) {
			this.entries.clear();
		}
	}

	private record Entry(String row, Instant expiresAt) {
	}

}
