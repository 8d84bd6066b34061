package dev.lanyard.server.authorization;

import java.time.Duration;
import java.util.Optional;

/**
 * A cache in front of the access-token lookup (introspection and exchange hot path),
 * keyed by the token's SHA-256, holding the stored authorization row as JSON. It never
 * holds a token value.
 * <p>
 * Every entry carries the version of the row it was read from, and an entry is only ever
 * replaced by a newer version, whoever writes it: a reader that loaded a row before a
 * revocation cannot put it back over the revoked one, and a slow writer cannot undo a
 * later revocation. Revocation and removal write tombstones (never deletes), so the slot
 * does not fall open. A failing cache counts as a miss: PostgreSQL stays the record.
 * Implementations are thread-safe.
 */
public interface AccessTokenCache {

	/** The cached entry for a token hash, if any. */
	Optional<Entry> get(String tokenHash);

	/**
	 * Caches a row (or a tombstone) unless a newer version of it is cached already.
	 * @return {@code false} when the cache could not be written (unreachable), so that a
	 * revocation can be recorded as not yet in the cache
	 */
	boolean putIfNewer(String tokenHash, Entry entry, Duration ttl);

	/**
	 * Caches the first row of a token just issued unless anything is cached for it
	 * already: its hash is new, so what could be there is only a tombstone or a newer
	 * version written by a revocation or lookup that overtook the issuance, and either
	 * stays. Cheaper than {@link #putIfNewer} (no version to compare).
	 * @return {@code false} when the cache could not be written (unreachable)
	 */
	boolean putIfAbsent(String tokenHash, Entry entry, Duration ttl);

	/**
	 * A cached row.
	 *
	 * @param version the row version
	 * @param row the row as JSON; {@code null} for a tombstone (the token no longer
	 * resolves)
	 */
	record Entry(long version, String row) {

		static Entry tombstone(long version) {
			return new Entry(version, null);
		}

		boolean gone() {
			return this.row == null;
		}

	}

}
