package dev.lanyard.server.exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Internal JWTs this node issued, kept in memory so that the same client exchanging the
 * same opaque token for the same audience and scope again gets the still-valid JWT
 * instead of a newly signed one. Entries are dropped when their subject token is revoked
 * (on any node, through the revocation channel) and are never handed out with less than
 * {@link #MINIMUM_REMAINING} of life left. Nothing here is written to disk or shared.
 * Thread-safe (Caffeine).
 */
public final class ExchangedTokenCache {

	/** A cached JWT is reused only while it has at least this long to live. */
	static final Duration MINIMUM_REMAINING = Duration.ofSeconds(60);

	static final int MAXIMUM_SUBJECTS = 50_000;

	/**
	 * By subject token hash, the JWTs issued for it (one per actor, audience and scope);
	 * a subject's entry lives as long as its longest-lived JWT. Bounded by size (the
	 * least useful subjects evicted first, never everything at once).
	 */
	private final Cache<String, Map<String, IssuedJwt>> bySubject;

	private final Clock clock;

	public ExchangedTokenCache(Clock clock) {
		this.clock = clock;
		this.bySubject = Caffeine.newBuilder()
			.maximumSize(MAXIMUM_SUBJECTS)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			.expireAfter(Expiry.<String, Map<String, IssuedJwt>>writing((hash, issued) -> {
				Instant last = issued.values()
					.stream()
					.map(IssuedJwt::expiresAt)
					.max(Instant::compareTo)
					.orElse(clock.instant());
				Duration left = Duration.between(clock.instant(), last);
				return left.isNegative() ? Duration.ZERO : left;
			}))
			.build();
	}

	Optional<IssuedJwt> find(String subjectTokenHash, String actor, String audience, String scope) {
		Map<String, IssuedJwt> entries = this.bySubject.getIfPresent(subjectTokenHash);
		IssuedJwt entry = (entries != null) ? entries.get(key(actor, audience, scope)) : null;
		if (entry == null || entry.expiresAt().minus(MINIMUM_REMAINING).isBefore(this.clock.instant())) {
			return Optional.empty();
		}
		return Optional.of(entry);
	}

	void put(String subjectTokenHash, String actor, String audience, String scope, IssuedJwt jwt) {
		Instant now = this.clock.instant();
		this.bySubject.asMap().compute(subjectTokenHash, (hash, current) -> {
			Map<String, IssuedJwt> issued = new HashMap<>();
			if (current != null) {
				current.forEach((key, value) -> {
					if (value.expiresAt().isAfter(now)) {
						issued.put(key, value);
					}
				});
			}
			issued.put(key(actor, audience, scope), jwt);
			return Map.copyOf(issued);
		});
	}

	/** Forgets every JWT issued for these subject tokens. */
	public void evict(Collection<String> subjectTokenHashes) {
		this.bySubject.invalidateAll(subjectTokenHashes);
	}

	/** How many subject tokens have JWTs cached (for tests of the bound). */
	long size() {
		this.bySubject.cleanUp();
		return this.bySubject.estimatedSize();
	}

	/** Client ids and audiences hold no spaces, so the key is unambiguous. */
	private static String key(String actor, String audience, String scope) {
		return actor + " " + audience + " " + scope;
	}

	/**
	 * An issued internal JWT.
	 *
	 * @param value the compact JWT
	 * @param kid the key it was signed with: reused only while that key is published
	 * @param issuedAt its {@code iat}
	 * @param expiresAt its {@code exp}
	 * @param scopes its scopes
	 */
	record IssuedJwt(String value, String kid, Instant issuedAt, Instant expiresAt, Set<String> scopes) {

		@Override
		public String toString() {
			return "IssuedJwt[expiresAt=" + this.expiresAt + "]";
		}

	}

}
