package dev.lanyard.server.authorization;

import java.time.Duration;
import java.util.Optional;

/**
 * A cache in front of the access-token lookup (introspection and exchange hot path), keyed
 * by the token's SHA-256, holding the stored authorization row as JSON. It never holds a
 * token value. Readers fill it only where empty; writers overwrite or evict after every
 * change, so a reader that loaded a row before a revocation cannot put the stale row back
 * over the revoked one. A failing cache counts as a miss: PostgreSQL stays the record.
 * Implementations are thread-safe.
 */
public interface AccessTokenCache {

	/** The cached row for a token hash, if any. */
	Optional<String> get(String tokenHash);

	/** Caches a row read from storage unless a writer has cached a newer one. */
	void putIfAbsent(String tokenHash, String row, Duration ttl);

	/** Caches a row just written to storage. */
	void put(String tokenHash, String row, Duration ttl);

	/** Drops rows for these token hashes. */
	void evict(Iterable<String> tokenHashes);

}
