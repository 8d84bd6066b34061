package dev.lanyard.server.authorization;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.lanyard.server.authorization.StoredAuthorization.StoredToken;

/**
 * The access-token cache kept coherent with the grant rows: each cached row carries its
 * version and only a newer one replaces it; a revoked or replaced token leaves a
 * tombstone; and while a revocation is known that the cache may not hold yet (written on
 * a node cut off from Redis, or during an outage), no positive entry is believed (issue
 * 9, item 6). Thread-safe.
 */
public final class CachedAccessTokens {

	private final AccessTokenCache cache;

	private final Duration cacheTtl;

	private final Clock clock;

	private final AuthorizationCodec codec;

	private volatile boolean trusted = true;

	CachedAccessTokens(AccessTokenCache cache, Duration cacheTtl, Clock clock, AuthorizationCodec codec) {
		this.cache = cache;
		this.cacheTtl = cacheTtl;
		this.clock = clock;
		this.codec = codec;
	}

	/** What the cache says of an access token. */
	sealed interface Lookup {

		/** Nothing usable cached: read the row. */
		record Miss() implements Lookup {
		}

		/** The token was revoked, replaced or removed. */
		record Gone() implements Lookup {
		}

		/**
		 * The token's row as cached: its JSON text ({@link AuthorizationCodec#fromJson}).
		 */
		record Hit(String row) implements Lookup {
		}

	}

	Lookup lookup(String tokenHash) {
		Optional<AccessTokenCache.Entry> cached = this.cache.get(tokenHash);
		if (cached.isEmpty()) {
			return new Lookup.Miss();
		}
		if (cached.get().gone()) {
			return new Lookup.Gone();
		}
		return this.trusted ? new Lookup.Hit(cached.get().row()) : new Lookup.Miss();
	}

	/**
	 * Caches the access token of a row just inserted: nothing but a tombstone or a newer
	 * version can be cached for its new hash, and either stays.
	 * @return whether the cache took it
	 */
	boolean issued(StoredAuthorization stored) {
		if (stored.accessToken() != null) {
			return this.cache.putIfAbsent(stored.accessToken().hash(),
					new AccessTokenCache.Entry(stored.version(), this.codec.toJson(stored)), ttl(stored.accessToken()));
		}
		return true;
	}

	/**
	 * Caches a row's access token (a newer version always wins).
	 * @return whether the cache took it
	 */
	boolean put(StoredAuthorization stored) {
		if (stored.accessToken() != null) {
			return this.cache.putIfNewer(stored.accessToken().hash(),
					new AccessTokenCache.Entry(stored.version(), this.codec.toJson(stored)), ttl(stored.accessToken()));
		}
		return true;
	}

	/**
	 * Caches a row just written, and a tombstone for the access token it replaced
	 * (refresh).
	 * @return whether the cache took both
	 */
	boolean written(StoredAuthorization stored, String previousAccessTokenHash) {
		String accessTokenHash = (stored.accessToken() != null) ? stored.accessToken().hash() : null;
		boolean written = true;
		if (previousAccessTokenHash != null && !previousAccessTokenHash.equals(accessTokenHash)) {
			written = this.cache.putIfNewer(previousAccessTokenHash, AccessTokenCache.Entry.tombstone(stored.version()),
					this.cacheTtl);
		}
		return put(stored) && written;
	}

	/**
	 * Invalidates the cached entries of these tokens for good: no version of their rows
	 * may come back (revoked tokens a node could not write to the cache, deleted rows).
	 * @return whether the cache took every one
	 */
	public boolean invalidate(List<String> tokenHashes) {
		boolean applied = true;
		for (String hash : tokenHashes) {
			applied &= this.cache.putIfNewer(hash, AccessTokenCache.Entry.tombstone(Long.MAX_VALUE), this.cacheTtl);
		}
		return applied;
	}

	/**
	 * Whether positive entries may be believed on this node: set from the revocation
	 * outbox, which knows of revocations the cache may not hold yet.
	 */
	public void trust(boolean trusted) {
		this.trusted = trusted;
	}

	private Duration ttl(StoredToken accessToken) {
		if (accessToken.expiresAt() == null) {
			return this.cacheTtl;
		}
		Duration untilExpiry = Duration.between(this.clock.instant(), accessToken.expiresAt());
		if (untilExpiry.isNegative() || untilExpiry.isZero()) {
			return Duration.ofSeconds(1);
		}
		return (untilExpiry.compareTo(this.cacheTtl) < 0) ? untilExpiry : this.cacheTtl;
	}

}
