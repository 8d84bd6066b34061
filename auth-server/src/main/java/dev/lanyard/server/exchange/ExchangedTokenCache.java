package dev.lanyard.server.exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Internal JWTs this node issued, kept in memory so that the same client exchanging the
 * same opaque token for the same audience and scope again gets the still-valid JWT instead
 * of a newly signed one. Entries are dropped when their subject token is revoked (on any node, through
 * the revocation channel) and are never handed out with less than {@link #MINIMUM_REMAINING}
 * of life left. Nothing here is written to disk or shared. Thread-safe.
 */
public final class ExchangedTokenCache {

	/** A cached JWT is reused only while it has at least this long to live. */
	static final Duration MINIMUM_REMAINING = Duration.ofSeconds(60);

	private static final int MAXIMUM_ENTRIES = 50_000;

	private final Map<String, Map<String, IssuedJwt>> bySubject = new ConcurrentHashMap<>();

	private final Clock clock;

	public ExchangedTokenCache(Clock clock) {
		this.clock = clock;
	}

	Optional<IssuedJwt> find(String subjectTokenHash, String actor, String audience, String scope) {
		Map<String, IssuedJwt> entries = this.bySubject.get(subjectTokenHash);
		IssuedJwt entry = (entries != null) ? entries.get(key(actor, audience, scope)) : null;
		if (entry == null || entry.expiresAt().minus(MINIMUM_REMAINING).isBefore(this.clock.instant())) {
			return Optional.empty();
		}
		return Optional.of(entry);
	}

	void put(String subjectTokenHash, String actor, String audience, String scope, IssuedJwt jwt) {
		if (this.bySubject.size() >= MAXIMUM_ENTRIES) {
			Instant now = this.clock.instant();
			this.bySubject.values().forEach((entries) -> entries.values().removeIf((e) -> e.expiresAt().isBefore(now)));
			this.bySubject.values().removeIf(Map::isEmpty);
			if (this.bySubject.size() >= MAXIMUM_ENTRIES) {
				this.bySubject.clear();
			}
		}
		this.bySubject.computeIfAbsent(subjectTokenHash, (hash) -> new ConcurrentHashMap<>())
			.put(key(actor, audience, scope), jwt);
	}

	/** Forgets every JWT issued for these subject tokens. */
	public void evict(Collection<String> subjectTokenHashes) {
		subjectTokenHashes.forEach(this.bySubject::remove);
	}

	/** Client ids and audiences hold no spaces, so the key is unambiguous. */
	private static String key(String actor, String audience, String scope) {
		return actor + " " + audience + " " + scope;
	}

	/**
	 * An issued internal JWT.
	 *
	 * @param value the compact JWT
	 * @param issuedAt its {@code iat}
	 * @param expiresAt its {@code exp}
	 * @param scopes its scopes
	 */
	record IssuedJwt(String value, Instant issuedAt, Instant expiresAt, Set<String> scopes) {

		@Override
		public String toString() {
			return "IssuedJwt[expiresAt=" + this.expiresAt + "]";
		}

	}

}
