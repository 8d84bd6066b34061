package dev.lanyard.exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The gateway's side of token exchange: turns the opaque token on a request into the
 * internal JWT to forward, asking the authorization server only when needed.
 * <ul>
 * <li>Exchanged JWTs are cached under the token's SHA-256 (never the token) until their
 * expiry minus a margin.</li>
 * <li>Rejected tokens are remembered briefly, so a flood of bad tokens does not become a
 * flood of exchanges.</li>
 * <li>However many requests carry the same token at once, one exchange is in flight.</li>
 * <li>{@link #revoked} drops cached JWTs at once (from the revocation channel). While the
 * channel is not being heard ({@link #revocationFeed}), a cached JWT is served only for
 * {@link #UNHEARD_CACHE_TTL} after it was cached, so a revocation still takes effect within
 * that time; when the channel is heard again, everything cached is dropped (messages may
 * have been missed).</li>
 * <li>When the authorization server is unreachable the answer is
 * {@link ExchangeResult.Unavailable} (503, not 401), and still-valid cached JWTs keep being
 * served.</li>
 * </ul>
 * Thread-safe.
 */
public final class GatewayTokenExchanger {

	private static final int MAXIMUM_ENTRIES = 100_000;

	private final Function<String, ExchangeResult> exchange;

	private final Duration expiryMargin;

	private final Duration rejectionTtl;

	private final ExchangeEvents events;

	private final Clock clock;

	private final Map<String, Cached> cache = new ConcurrentHashMap<>();

	private final Map<String, CompletableFuture<ExchangeResult>> inFlight = new ConcurrentHashMap<>();

	/** Recently revoked token hashes; longer than any internal JWT lives. */
	private final Map<String, Instant> revoked = new ConcurrentHashMap<>();

	private static final Duration REVOCATION_MEMORY = Duration.ofMinutes(6);

	private static final Duration UNAVAILABLE_LOG_INTERVAL = Duration.ofSeconds(10);

	/** How long a cached JWT is served while the revocation channel is not heard. */
	public static final Duration UNHEARD_CACHE_TTL = Duration.ofSeconds(10);

	/** Whether revocations are being heard; {@code true} until told otherwise (no channel configured). */
	private volatile boolean revocationsHeard = true;

	private static final System.Logger logger = System.getLogger(GatewayTokenExchanger.class.getName());

	private final AtomicReference<Instant> lastUnavailableLogged = new AtomicReference<>();

	/**
	 * @param exchange asks the authorization server, e.g. {@link TokenExchangeClient#exchange}
	 * @param expiryMargin a JWT is served until this long before it expires
	 * @param rejectionTtl how long a rejected token is answered from memory
	 * @param events metrics sink
	 * @param clock the clock
	 */
	public GatewayTokenExchanger(Function<String, ExchangeResult> exchange, Duration expiryMargin,
			Duration rejectionTtl, ExchangeEvents events, Clock clock) {
		this.exchange = exchange;
		this.expiryMargin = expiryMargin;
		this.rejectionTtl = rejectionTtl;
		this.events = events;
		this.clock = clock;
	}

	/** The JWT for an opaque token, from the cache or a fresh exchange. */
	public ExchangeResult exchange(String opaqueToken) {
		String hash = TokenHashes.sha256(opaqueToken);
		Cached cached = this.cache.get(hash);
		Instant now = this.clock.instant();
		if (cached != null && cached.validUntil().isAfter(now)
				&& (this.revocationsHeard || cached.cachedAt().plus(UNHEARD_CACHE_TTL).isAfter(now))) {
			this.events.cacheHit();
			return cached.result();
		}
		this.events.cacheMiss();
		CompletableFuture<ExchangeResult> mine = new CompletableFuture<>();
		CompletableFuture<ExchangeResult> running = this.inFlight.putIfAbsent(hash, mine);
		if (running != null) {
			return running.join();
		}
		ExchangeResult result = null;
		try {
			long started = System.nanoTime();
			result = this.exchange.apply(opaqueToken);
			this.events.exchanged(result, Duration.ofNanos(System.nanoTime() - started));
			remember(hash, result);
			return result;
		}
		catch (RuntimeException ex) {
			result = new ExchangeResult.Unavailable(ex.getClass().getSimpleName());
			return result;
		}
		finally {
			// Whatever happened (even an Error), the requests waiting on this exchange get an
			// answer and the next request may try again.
			this.inFlight.remove(hash, mine);
			ExchangeResult answer = (result != null) ? result : new ExchangeResult.Unavailable("exchange failed");
			mine.complete(answer);
			if (answer instanceof ExchangeResult.Unavailable unavailable) {
				logUnavailable(unavailable, now);
			}
		}
	}

	/** Drops what is cached for revoked tokens, by their SHA-256. */
	public void revoked(Collection<String> tokenHashes) {
		int evicted = 0;
		Instant now = this.clock.instant();
		Instant until = now.plus(REVOCATION_MEMORY);
		if (this.revoked.size() > MAXIMUM_ENTRIES) {
			this.revoked.values().removeIf((expiry) -> expiry.isBefore(now));
		}
		for (String hash : tokenHashes) {
			// An exchange already in flight for this token must not cache its answer.
			this.revoked.put(hash, until);
			if (this.cache.remove(hash) != null) {
				evicted++;
			}
		}
		if (evicted > 0) {
			this.events.evicted(evicted);
		}
	}

	/**
	 * Whether the revocation channel is being heard. Going quiet shortens how long cached
	 * JWTs are served; being heard again after a gap drops every cached JWT, since
	 * revocations published meanwhile were missed.
	 */
	public void revocationFeed(boolean heard) {
		boolean wasHeard = this.revocationsHeard;
		this.revocationsHeard = heard;
		if (heard && !wasHeard) {
			this.cache.clear();
		}
	}

	/**
	 * The revocation channel was subscribed, or subscribed again after a reconnection (the
	 * Redis client resubscribes by itself, e.g. to a new primary after a Sentinel failover,
	 * possibly between two checks that would have noticed the gap). Revocations published
	 * while no subscription existed were missed, so every cached JWT is dropped, and the
	 * channel is heard from now on.
	 */
	public void revocationFeedSubscribed() {
		this.cache.clear();
		this.revocationsHeard = true;
	}

	/** Whether the revocation channel is being heard. */
	public boolean revocationsHeard() {
		return this.revocationsHeard;
	}

	/** How many tokens are cached now. */
	public int size() {
		return this.cache.size();
	}

	private void remember(String hash, ExchangeResult result) {
		Instant now = this.clock.instant();
		Instant validUntil = now;
		if (result instanceof ExchangeResult.Exchanged exchanged) {
			validUntil = exchanged.expiresAt().minus(this.expiryMargin);
		}
		else if (result instanceof ExchangeResult.Rejected) {
			validUntil = now.plus(this.rejectionTtl);
		}
		if (!validUntil.isAfter(now)) {
			return;
		}
		if (this.cache.size() >= MAXIMUM_ENTRIES) {
			this.cache.values().removeIf((entry) -> !entry.validUntil().isAfter(now));
			if (this.cache.size() >= MAXIMUM_ENTRIES) {
				this.cache.clear();
			}
		}
		Cached entry = new Cached(result, validUntil, now);
		this.cache.put(hash, entry);
		// Written first, checked after: a revocation that arrived while the exchange was in
		// flight (its mark set before its eviction) is always seen here, whatever the
		// interleaving, and the entry never outlives it.
		if (revokedRecently(hash, now)) {
			this.cache.remove(hash, entry);
		}
	}

	/** The server could not be asked: worth an operator's attention, but not once per request. */
	private void logUnavailable(ExchangeResult.Unavailable unavailable, Instant now) {
		Instant last = this.lastUnavailableLogged.get();
		if ((last == null || last.plus(UNAVAILABLE_LOG_INTERVAL).isBefore(now))
				&& this.lastUnavailableLogged.compareAndSet(last, now)) {
			logger.log(System.Logger.Level.WARNING, "Token exchange unavailable: {0}", unavailable.reason());
		}
	}

	private boolean revokedRecently(String hash, Instant now) {
		Instant until = this.revoked.get(hash);
		if (until == null) {
			return false;
		}
		if (until.isBefore(now)) {
			this.revoked.remove(hash, until);
			return false;
		}
		return true;
	}

	private record Cached(ExchangeResult result, Instant validUntil, Instant cachedAt) {
	}

}
