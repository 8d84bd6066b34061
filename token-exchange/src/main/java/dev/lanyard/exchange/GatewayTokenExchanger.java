package dev.lanyard.exchange;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * The gateway's side of token exchange: turns the opaque token on a request into the
 * internal JWT to forward, asking the authorization server only when needed.
 * <ul>
 * <li>Exchanged JWTs are cached under the token's SHA-256 (never the token) until their
 * expiry minus a margin.</li>
 * <li>Rejected tokens are remembered briefly, so a bad token sent again and again does
 * not become as many exchanges (made-up tokens that cannot be Lanyard's are refused
 * before this, by the exchange endpoint).</li>
 * <li>However many requests carry the same token at once, one exchange is in flight (the
 * in-flight answer is the cache entry, Caffeine's {@link AsyncCache}).</li>
 * <li>The cache is bounded ({@value #MAXIMUM_ENTRIES} tokens): when full, the least
 * useful entries go (Caffeine's frequency-aware eviction), never everything at once, so a
 * flood of new tokens cannot empty it of the ones in use.</li>
 * <li>{@link #revoked} drops cached JWTs at once (from the revocation channel), and a
 * token heard revoked is refused here, without asking, for as long as its revocation is
 * remembered: revocation is for good, and an authorization server node may still answer
 * from a copy of its token cache for a moment (RFC 7009 §2.1's propagation delay;
 * docs/SECURITY.md OA-49). An exchange in flight when its revocation is heard answers the
 * refusal too. While the channel is not being heard ({@link #revocationFeed}), a cached
 * JWT is served only for {@link #UNHEARD_CACHE_TTL} after it was cached, so a revocation
 * still takes effect within that time; when the channel is heard again, everything cached
 * is dropped (messages may have been missed).</li>
 * <li>When the authorization server is unreachable the answer is
 * {@link ExchangeResult.Unavailable} (503, not 401), and still-valid cached JWTs keep
 * being served.</li>
 * <li>At most {@value #MAXIMUM_IN_FLIGHT} exchanges are in flight at once; a token that
 * would need one more waits for one to end up to {@link #IN_FLIGHT_WAIT}, then is
 * answered {@link ExchangeResult.Unavailable} (counted as such in the metrics). A slow or
 * hung authorization server otherwise held a request thread per uncached token for the
 * request timeout, until requests for cached tokens queued behind them too; and after a
 * drop of everything cached, every token in use asked at once.</li>
 * </ul>
 * Thread-safe.
 */
public final class GatewayTokenExchanger {

	static final int MAXIMUM_ENTRIES = 100_000;

	/** The most exchanges in flight at once. */
	static final int MAXIMUM_IN_FLIGHT = 64;

	/**
	 * How long an exchange waits for one in flight to end, when
	 * {@value #MAXIMUM_IN_FLIGHT} are: a burst (after the cache was dropped) passes, a
	 * hung server does not hold the request.
	 */
	static final Duration IN_FLIGHT_WAIT = Duration.ofMillis(200);

	private static final Duration REVOCATION_MEMORY = Duration.ofMinutes(6);

	/** The answer for a token heard revoked, as the authorization server gives it. */
	private static final ExchangeResult REVOKED = new ExchangeResult.Rejected("invalid_grant");

	private static final Duration UNAVAILABLE_LOG_INTERVAL = Duration.ofSeconds(10);

	/** How long after a drop of everything cached the cache is dropped again. */
	static final Duration DROP_ALL_AGAIN_AFTER = Duration.ofSeconds(3);

	/** How long a cached JWT is served while the revocation channel is not heard. */
	public static final Duration UNHEARD_CACHE_TTL = Duration.ofSeconds(10);

	private static final System.Logger logger = System.getLogger(GatewayTokenExchanger.class.getName());

	private final Function<String, ExchangeResult> exchange;

	private final Duration expiryMargin;

	private final Duration rejectionTtl;

	private final ExchangeEvents events;

	private final Clock clock;

	/**
	 * Answers by token hash, each until its {@code validUntil}; in flight while
	 * exchanging.
	 */
	private final AsyncCache<String, Cached> cache;

	/** Recently revoked token hashes; remembered longer than any internal JWT lives. */
	private final Cache<String, Boolean> revoked;

	/**
	 * Ids of signing keys recently withdrawn; remembered longer than any internal JWT
	 * lives.
	 */
	private final Cache<String, Boolean> withdrawnKeys;

	/**
	 * Whether revocations are being heard; {@code true} until told otherwise (no channel
	 * configured).
	 */
	private volatile boolean revocationsHeard = true;

	/** Whether the authorization server says it publishes what it revokes. */
	private volatile boolean publisherHeard = true;

	private final AtomicReference<Instant> lastUnavailableLogged = new AtomicReference<>();

	private final Semaphore inFlight;

	/**
	 * @param exchange asks the authorization server, e.g.
	 * {@link TokenExchangeClient#exchange}
	 * @param expiryMargin a JWT is served until this long before it expires
	 * @param rejectionTtl how long a rejected token is answered from memory
	 * @param events metrics sink
	 * @param clock the clock
	 */
	public GatewayTokenExchanger(Function<String, ExchangeResult> exchange, Duration expiryMargin,
			Duration rejectionTtl, ExchangeEvents events, Clock clock) {
		this(exchange, expiryMargin, rejectionTtl, events, clock, MAXIMUM_IN_FLIGHT);
	}

	GatewayTokenExchanger(Function<String, ExchangeResult> exchange, Duration expiryMargin, Duration rejectionTtl,
			ExchangeEvents events, Clock clock, int maximumInFlight) {
		this.inFlight = new Semaphore(maximumInFlight);
		this.exchange = exchange;
		this.expiryMargin = expiryMargin;
		this.rejectionTtl = rejectionTtl;
		this.events = events;
		this.clock = clock;
		Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
		this.cache = Caffeine.newBuilder()
			.maximumSize(MAXIMUM_ENTRIES)
			.ticker(ticker)
			.expireAfter(Expiry.<String, Cached>writing(
					(hash, cached) -> positive(Duration.between(clock.instant(), cached.validUntil()))))
			.buildAsync();
		this.revoked = Caffeine.newBuilder()
			.maximumSize(MAXIMUM_ENTRIES)
			.ticker(ticker)
			.expireAfterWrite(REVOCATION_MEMORY)
			.build();
		this.withdrawnKeys = Caffeine.newBuilder()
			.maximumSize(1_000)
			.ticker(ticker)
			.expireAfterWrite(REVOCATION_MEMORY)
			.build();
	}

	/** The JWT for an opaque token, from the cache or a fresh exchange. */
	public ExchangeResult exchange(String opaqueToken) {
		String hash = TokenHashes.sha256(opaqueToken);
		Instant now = this.clock.instant();
		if (this.revoked.getIfPresent(hash) != null) {
			this.events.cacheHit();
			return REVOKED;
		}
		CompletableFuture<Cached> present = this.cache.getIfPresent(hash);
		if (present != null && present.isDone()) {
			Cached cached = present.join();
			if (servable(cached, now)) {
				this.events.cacheHit();
				return cached.result();
			}
			// Cached before the revocation channel went quiet, too long ago to trust now.
			this.cache.asMap().remove(hash, present);
		}
		this.events.cacheMiss();
		CompletableFuture<Cached> mine = new CompletableFuture<>();
		CompletableFuture<Cached> answer = this.cache.get(hash, (key, executor) -> mine);
		if (answer != mine) {
			return answer.join().result();
		}
		ExchangeResult result = null;
		boolean asked = false;
		try {
			long started = System.nanoTime();
			asked = this.inFlight.tryAcquire(IN_FLIGHT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
			if (asked) {
				result = this.exchange.apply(opaqueToken);
			}
			else {
				result = new ExchangeResult.Unavailable("too many exchanges in flight");
			}
			this.events.exchanged(result, Duration.ofNanos(System.nanoTime() - started));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			result = new ExchangeResult.Unavailable("interrupted");
		}
		catch (RuntimeException ex) {
			result = new ExchangeResult.Unavailable(ex.getClass().getSimpleName());
		}
		finally {
			if (asked) {
				this.inFlight.release();
			}
			// Whatever happened (even an Error), the requests waiting on this exchange
			// get an answer, and an answer not worth keeping (unavailable, already
			// expired) leaves the cache at once, so the next request tries again.
			if (result == null) {
				result = new ExchangeResult.Unavailable("exchange failed");
			}
			else if (result instanceof ExchangeResult.Exchanged && this.revoked.getIfPresent(hash) != null) {
				// Revoked while the exchange was in flight.
				result = REVOKED;
			}
			Cached answered = new Cached(result, validUntil(result, now), now, signingKeyOf(result));
			mine.complete(answered);
			// Completed first, checked after: a revocation or key withdrawal that arrived
			// while the exchange was in flight (its mark set before its eviction) is
			// always seen here, whatever the interleaving, and the answer is not kept.
			// Signed with a withdrawn key, the JWT is passed on (its service refuses it,
			// as it would have a moment ago) but never kept: the authorization server
			// node that signed it had not yet re-read its keys.
			if (this.revoked.getIfPresent(hash) != null || (answered.signingKey() != null
					&& this.withdrawnKeys.getIfPresent(answered.signingKey()) != null)) {
				this.cache.asMap().remove(hash, mine);
			}
			if (result instanceof ExchangeResult.Unavailable unavailable) {
				logUnavailable(unavailable, now);
			}
		}
		return result;
	}

	/**
	 * A message of the authorization server's revocation channel or stream (JSON): the
	 * tokens it names are revoked ({@link #revoked}); a signing key withdrawn drops the
	 * JWTs it signed ({@link #keyWithdrawn}), or every cached JWT ({@link #droppedAll})
	 * when the message does not say which key.
	 * @param message the message as published
	 */
	public void revocationMessage(String message) {
		Map<String, Object> revocation;
		try {
			revocation = JSONObjectUtils.parse(message);
		}
		catch (ParseException ex) {
			logger.log(System.Logger.Level.WARNING, "Ignoring an unreadable revocation message");
			return;
		}
		// The reason too: a node of the previous version relays a withdrawal it did not
		// write without the flag.
		boolean keyWithdrawn = Boolean.TRUE.equals(revocation.get("drop_all"))
				|| "signing_key_withdrawn".equals(revocation.get("reason"));
		if (keyWithdrawn && revocation.get("kid") instanceof String kid && !kid.isEmpty()) {
			keyWithdrawn(kid);
		}
		else if (keyWithdrawn) {
			droppedAll();
		}
		else if (revocation.get("token_hashes") instanceof List<?> hashes) {
			revoked(hashes.stream().map(String::valueOf).toList());
		}
	}

	/**
	 * Every cached JWT goes: a signing key was withdrawn, and every service refuses what
	 * it signed. Dropped again {@link #DROP_ALL_AGAIN_AFTER} later: an exchange answered
	 * by an authorization server node that had not yet re-read its keys (each does every
	 * second) may have been cached meanwhile.
	 */
	public void droppedAll() {
		this.cache.synchronous().invalidateAll();
		CompletableFuture.delayedExecutor(DROP_ALL_AGAIN_AFTER.toMillis(), TimeUnit.MILLISECONDS)
			.execute(() -> this.cache.synchronous().invalidateAll());
	}

	/**
	 * A signing key was withdrawn: every service refuses what it signed. The JWTs it
	 * signed go, and for as long as the withdrawal is remembered none it signs is kept
	 * (an authorization server node signs with its keys as it read them up to a second
	 * ago); the JWTs of other keys stay.
	 * @param kid the key's id ({@code kid})
	 */
	public void keyWithdrawn(String kid) {
		// Marked first, evicted after: an exchange completing meanwhile sees the mark.
		this.withdrawnKeys.put(kid, Boolean.TRUE);
		int evicted = 0;
		for (Map.Entry<String, CompletableFuture<Cached>> entry : this.cache.asMap().entrySet()) {
			CompletableFuture<Cached> answer = entry.getValue();
			if (answer.isDone() && !answer.isCompletedExceptionally() && kid.equals(answer.join().signingKey())
					&& this.cache.asMap().remove(entry.getKey(), answer)) {
				evicted++;
			}
		}
		if (evicted > 0) {
			this.events.evicted(evicted);
		}
	}

	/** Drops what is cached for revoked tokens, by their SHA-256. */
	public void revoked(Collection<String> tokenHashes) {
		int evicted = 0;
		for (String hash : tokenHashes) {
			// An exchange already in flight for this token must not keep its answer.
			this.revoked.put(hash, Boolean.TRUE);
			if (this.cache.asMap().remove(hash) != null) {
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
			this.cache.synchronous().invalidateAll();
		}
	}

	/**
	 * The revocation channel was subscribed, or subscribed again after a reconnection
	 * (the Redis client resubscribes by itself, e.g. to a new primary after a Sentinel
	 * failover, possibly between two checks that would have noticed the gap). Revocations
	 * published while no subscription existed were missed, so every cached JWT is
	 * dropped, and the channel is heard from now on.
	 */
	public void revocationFeedSubscribed() {
		this.cache.synchronous().invalidateAll();
		this.revocationsHeard = true;
	}

	/**
	 * The revocation channel is heard again after a break, and everything published
	 * meanwhile has been delivered (the revocation stream resumes from the last event it
	 * delivered): nothing was missed, so the cache stays.
	 */
	public void revocationFeedResumed() {
		this.revocationsHeard = true;
	}

	/**
	 * Whether the authorization server's heartbeat arrives on the revocation channel: a
	 * subscription that works proves only the gateway's side of it, not that Lanyard can
	 * publish there (its nodes may have lost Redis, or publish to another Redis, database
	 * or key prefix). While it does not, cached JWTs are served as while the channel is
	 * not heard; when it comes back, everything cached is dropped.
	 */
	public void revocationPublisher(boolean heard) {
		boolean wasHeard = this.publisherHeard;
		this.publisherHeard = heard;
		if (heard && !wasHeard) {
			this.cache.synchronous().invalidateAll();
		}
	}

	/** Whether the revocation channel itself is heard (its publisher aside). */
	public boolean revocationChannelHeard() {
		return this.revocationsHeard;
	}

	/** Whether revocations are being heard: the channel, and its publisher. */
	public boolean revocationsHeard() {
		return this.revocationsHeard && this.publisherHeard;
	}

	/** How many tokens are cached now. */
	public int size() {
		this.cache.synchronous().cleanUp();
		return (int) this.cache.synchronous().estimatedSize();
	}

	private boolean servable(Cached cached, Instant now) {
		return cached.validUntil().isAfter(now)
				&& (revocationsHeard() || cached.cachedAt().plus(UNHEARD_CACHE_TTL).isAfter(now));
	}

	/**
	 * How long an answer may be served: a JWT until its expiry less the margin, a
	 * rejection briefly, else not.
	 */
	private Instant validUntil(ExchangeResult result, Instant now) {
		if (result instanceof ExchangeResult.Exchanged exchanged) {
			return exchanged.expiresAt().minus(this.expiryMargin);
		}
		if (result instanceof ExchangeResult.Rejected) {
			return now.plus(this.rejectionTtl);
		}
		return now;
	}

	private static Duration positive(Duration duration) {
		return duration.isNegative() ? Duration.ZERO : duration;
	}

	/**
	 * The server could not be asked: worth an operator's attention, but not once per
	 * request.
	 */
	private void logUnavailable(ExchangeResult.Unavailable unavailable, Instant now) {
		Instant last = this.lastUnavailableLogged.get();
		if ((last == null || last.plus(UNAVAILABLE_LOG_INTERVAL).isBefore(now))
				&& this.lastUnavailableLogged.compareAndSet(last, now)) {
			logger.log(System.Logger.Level.WARNING, "Token exchange unavailable: {0}", unavailable.reason());
		}
	}

	/** The {@code kid} of the key that signed an exchanged JWT, else {@code null}. */
	private static String signingKeyOf(ExchangeResult result) {
		if (!(result instanceof ExchangeResult.Exchanged exchanged)) {
			return null;
		}
		try {
			return JWSHeader.parse(Base64URL.from(exchanged.jwt().substring(0, exchanged.jwt().indexOf('.'))))
				.getKeyID();
		}
		catch (ParseException | RuntimeException ex) {
			return null;
		}
	}

	private record Cached(ExchangeResult result, Instant validUntil, Instant cachedAt, String signingKey) {
	}

}
