package dev.lanyard.jwt;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.text.ParseException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * The authorization server's JWKS, cached and refreshed so that verification survives
 * real operations. Thread-safe.
 *
 * <ul>
 * <li>Keys are cached for {@code ttl} (at most five minutes). In the last
 * {@code refreshAhead} of that time, the first request starts a background refresh and
 * keeps using the cached keys. Once expired, the next request refreshes synchronously
 * (requests arriving during that fetch still use the expiring keys), so a key withdrawn
 * from the JWKS stops verifying at most {@code ttl} plus one fetch after the withdrawal,
 * outages aside.</li>
 * <li>An unknown {@code kid} triggers a refetch only if no fetch started within
 * {@code refetchInterval}: a flood of forged {@code kid}s costs at most one fetch per
 * interval. Requests that arrive during a fetch wait for it instead of starting
 * another.</li>
 * <li>When a fetch fails, the cached keys stay in use (outage tolerance) and the next
 * attempt waits {@code refetchInterval}. Before any key was ever loaded, retries are
 * spaced by one second, and requests fail fast with {@code jwks_unavailable} in
 * between.</li>
 * </ul>
 */
final class RemoteJwkSet {

	private static final System.Logger LOG = System.getLogger(RemoteJwkSet.class.getName());

	private static final long COLD_RETRY_MILLIS = 1_000;

	private final JwkSetFetcher fetcher;

	private final Clock clock;

	private final long ttlMillis;

	private final long refreshAheadMillis;

	private final long refetchIntervalMillis;

	private final ReentrantLock fetchLock = new ReentrantLock();

	private final AtomicBoolean backgroundRefresh = new AtomicBoolean();

	private volatile VerificationKeys current;

	private volatile long lastAttemptMillis = Long.MIN_VALUE / 2;

	RemoteJwkSet(JwkSetFetcher fetcher, Clock clock, long ttlMillis, long refreshAheadMillis,
			long refetchIntervalMillis) {
		this.fetcher = fetcher;
		this.clock = clock;
		this.ttlMillis = ttlMillis;
		this.refreshAheadMillis = refreshAheadMillis;
		this.refetchIntervalMillis = refetchIntervalMillis;
	}

	/**
	 * Returns the keys to verify with now: cached ones while fresh, otherwise freshly
	 * fetched, otherwise (outage) the stale ones.
	 * @throws JwtVerificationException {@code jwks_unavailable} when no keys were ever
	 * loaded
	 */
	VerificationKeys keys() throws JwtVerificationException {
		VerificationKeys keys = this.current;
		if (keys == null) {
			return loadFirst();
		}
		long age = this.clock.millis() - keys.fetchedAtMillis();
		if (age >= this.ttlMillis) {
			return refreshExpired(keys);
		}
		if (age >= this.ttlMillis - this.refreshAheadMillis) {
			refreshInBackground(keys);
		}
		return keys;
	}

	/**
	 * Called when {@code seen} has no key for a token: refetches once if the rate limit
	 * allows, or waits for a fetch already in flight.
	 * @return the newest keys, which may be {@code seen} itself
	 */
	VerificationKeys keysAfterMiss(VerificationKeys seen) {
		if (this.current != seen || !this.fetchLock.isLocked() && !attemptAllowed(this.refetchIntervalMillis)) {
			return this.current;
		}
		this.fetchLock.lock();
		try {
			if (this.current != seen || !attemptAllowed(this.refetchIntervalMillis)) {
				return this.current;
			}
			return fetch();
		}
		catch (JwtVerificationException e) {
			return this.current;
		}
		finally {
			this.fetchLock.unlock();
		}
	}

	private VerificationKeys loadFirst() throws JwtVerificationException {
		this.fetchLock.lock();
		try {
			VerificationKeys keys = this.current;
			if (keys != null) {
				return keys;
			}
			if (!attemptAllowed(Math.min(COLD_RETRY_MILLIS, this.refetchIntervalMillis))) {
				throw new JwtVerificationException(Reason.JWKS_UNAVAILABLE,
						"No JWKS loaded yet from " + this.fetcher + "; the last attempt failed moments ago");
			}
			return fetch();
		}
		finally {
			this.fetchLock.unlock();
		}
	}

	private VerificationKeys refreshExpired(VerificationKeys stale) {
		// Only one thread refreshes; the others keep the stale keys for the few
		// milliseconds it takes.
		if (!this.fetchLock.tryLock()) {
			return this.current;
		}
		try {
			VerificationKeys keys = this.current;
			if (keys != stale || !refreshAllowed(keys)) {
				return keys;
			}
			return fetch();
		}
		catch (JwtVerificationException e) {
			return this.current;
		}
		finally {
			this.fetchLock.unlock();
		}
	}

	private void refreshInBackground(VerificationKeys seen) {
		if (!refreshAllowed(seen) || !this.backgroundRefresh.compareAndSet(false, true)) {
			return;
		}
		Thread thread = new Thread(() -> {
			try {
				this.fetchLock.lock();
				try {
					if (this.current == seen && refreshAllowed(seen)) {
						fetch();
					}
				}
				finally {
					this.fetchLock.unlock();
				}
			}
			catch (JwtVerificationException e) {
				// already logged; the cached keys stay in use
			}
			finally {
				this.backgroundRefresh.set(false);
			}
		}, "lanyard-jwks-refresh");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * A refresh due to age is always allowed after a successful fetch (the cache TTL is
	 * the rate); after a failed one (an outage) attempts are spaced by the refetch
	 * interval.
	 */
	private boolean refreshAllowed(VerificationKeys keys) {
		boolean lastAttemptFailed = this.lastAttemptMillis > keys.fetchedAtMillis();
		return !lastAttemptFailed || attemptAllowed(this.refetchIntervalMillis);
	}

	private boolean attemptAllowed(long spacingMillis) {
		return this.clock.millis() - this.lastAttemptMillis >= spacingMillis;
	}

	// Caller holds fetchLock.
	private VerificationKeys fetch() throws JwtVerificationException {
		long started = this.clock.millis();
		this.lastAttemptMillis = started;
		try {
			VerificationKeys keys = VerificationKeys.parse(this.fetcher.fetchJwkSet(), started);
			this.current = keys;
			LOG.log(Level.DEBUG, "Loaded {0} verification key(s) from {1}", keys.size(), this.fetcher);
			return keys;
		}
		catch (IOException | ParseException e) {
			boolean cached = this.current != null;
			LOG.log(Level.WARNING, "Could not load the JWKS from {0} ({1}){2}", this.fetcher, e.getMessage(),
					cached ? "; keeping the cached keys" : "");
			throw new JwtVerificationException(Reason.JWKS_UNAVAILABLE, "Could not load the JWKS from " + this.fetcher,
					e);
		}
	}

}
