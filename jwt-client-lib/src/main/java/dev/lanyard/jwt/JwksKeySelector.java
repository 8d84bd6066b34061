package dev.lanyard.jwt;

import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.proc.JWSKeySelector;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * Selects the key for a token from the issuer's JWKS, held by nimbus's JWK source
 * classes. Thread-safe.
 *
 * <p>
 * The key set comes from a chain of nimbus {@code JWKSetSource}s, built by
 * {@link JWKSourceBuilder}:
 * <ol>
 * <li>{@link IssuerJwkSetSource}: discovery, one fetch per call, failed attempts
 * spaced;</li>
 * <li>nimbus's refresh-ahead cache: keys used for the cache TTL (at most five minutes,
 * the emergency key-withdrawal window); in its last {@code refreshAhead} the first
 * request starts a background refresh; once expired, the next request refreshes and
 * concurrent ones wait for that fetch;</li>
 * <li>nimbus's {@link OutageTolerantJWKSetSource} on top: when a fetch fails, the last
 * loaded keys keep serving, with no time limit.</li>
 * </ol>
 * Two behaviours of {@code JWKSourceBuilder}'s defaults are replaced on purpose. Its rate
 * limiter ({@code RateLimitedJWKSetSource}) allows two fetches per interval, counts the
 * cache's own refreshes against them and requires the interval to be shorter than the
 * TTL; Lanyard's rule is one unknown-{@code kid} refetch per interval, with TTL refreshes
 * never held back, and is applied here, where the unknown {@code kid} is seen. And the
 * builder places outage tolerance below the cache, which then stores the stale set for a
 * whole TTL; above it, a failed fetch is retried after the refetch interval instead. The
 * chain is also read with the verifier's clock rather than the system's, which nimbus's
 * {@code JWKSetBasedJWKSource} always uses.
 */
final class JwksKeySelector implements JWSKeySelector<VerificationContext> {

	private final IssuerJwkSetSource endpoint;

	private final JWKSetSource<VerificationContext> keys;

	private final Clock clock;

	private final long refetchIntervalMillis;

	// The matcher of the last header: tokens from one key share alg and kid.
	private volatile KeyQuery lastQuery;

	JwksKeySelector(IssuerJwkSetSource endpoint, Clock clock, Duration cacheTtl, Duration refreshAhead,
			Duration refetchInterval, Duration refreshTimeout) {
		this.endpoint = endpoint;
		this.clock = clock;
		this.refetchIntervalMillis = refetchInterval.toMillis();
		JWKSource<VerificationContext> cached = JWKSourceBuilder.create(endpoint)
			.cache(cacheTtl.toMillis(), refreshTimeout.toMillis())
			.refreshAheadCache(refreshAhead.toMillis(), null, refreshExecutor(), true, null, false)
			.rateLimited(false)
			.build();
		if (!(cached instanceof JWKSetBasedJWKSource<VerificationContext> setBased)) {
			throw new IllegalStateException("Unexpected JWK source " + cached.getClass().getName());
		}
		this.keys = new OutageTolerantJWKSetSource<>(setBased.getJWKSetSource(), Long.MAX_VALUE, null);
	}

	// Daemon, and gone when idle: a verifier has no close() and must not keep a JVM
	// alive.
	private static ExecutorService refreshExecutor() {
		return new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
			Thread thread = new Thread(task, "lanyard-jwks-refresh");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Selects the one key for the header's {@code kid} and {@code alg}, refetching the
	 * JWKS once when the {@code kid} is unknown and no fetch started within the refetch
	 * interval (a fetch in flight is waited for instead). Records the key in the context.
	 * @return the key, or an empty list when none matches
	 * @throws KeySourceException when no key set could ever be loaded; its cause is a
	 * {@link JwtVerificationException}
	 */
	@Override
	public List<? extends Key> selectJWSKeys(JWSHeader header, VerificationContext context) throws KeySourceException {
		long now = this.clock.millis();
		JWKSet keySet = load(JWKSetCacheRefreshEvaluator.noRefresh(), now);
		JWKMatcher matcher = matcher(header.getAlgorithm(), header.getKeyID());
		JWK key = select(keySet, header.getKeyID(), matcher);
		if (key == null && header.getKeyID() != null && (this.endpoint.fetching()
				|| now - this.endpoint.lastAttemptMillis() >= this.refetchIntervalMillis)) {
			// Refetches unless another thread's fetch already replaced this set.
			keySet = load(JWKSetCacheRefreshEvaluator.referenceComparison(keySet), now);
			key = select(keySet, header.getKeyID(), matcher);
		}
		if (key == null) {
			return List.of();
		}
		try {
			List<Key> selected = List.of(this.endpoint.publicKey(key));
			context.keyFound(keySet, key);
			return selected;
		}
		catch (JOSEException e) {
			return List.of();
		}
	}

	/**
	 * Tells whether a key is still published, as the verified-token cache must before it
	 * answers: the set is the one the key was found in, or holds an equal key.
	 * @throws JwtVerificationException {@code jwks_unavailable} when no keys can be had
	 */
	boolean stillPublished(JWKSet keySet, JWK key) throws JwtVerificationException {
		JWKSet current;
		try {
			current = load(JWKSetCacheRefreshEvaluator.noRefresh(), this.clock.millis());
		}
		catch (KeySourceException e) {
			throw (JwtVerificationException) e.getCause();
		}
		return current == keySet || current.getKeys().contains(key);
	}

	private JWKSet load(JWKSetCacheRefreshEvaluator refresh, long now) throws KeySourceException {
		try {
			return this.keys.getJWKSet(refresh, now, null);
		}
		catch (KeySourceException e) {
			throw new KeySourceException(e.getMessage(), new JwtVerificationException(Reason.JWKS_UNAVAILABLE,
					"No JWKS could be loaded from " + this.endpoint, e));
		}
	}

	// Key type and curve follow the algorithm (RFC 7518 §3.1); a key that declares "use"
	// or "alg" must declare "sig" and this algorithm.
	private JWKMatcher matcher(JWSAlgorithm algorithm, String keyId) {
		KeyQuery query = this.lastQuery;
		if (query == null || !query.algorithm.equals(algorithm) || !Objects.equals(query.keyId, keyId)) {
			JWKMatcher matcher = new JWKMatcher.Builder().keyID(keyId)
				.keyType(KeyType.forAlgorithm(algorithm))
				.keyUses(KeyUse.SIGNATURE, null)
				.algorithms(algorithm, null)
				.curves(JWSAlgorithm.Family.EC.contains(algorithm) ? Curve.forJWSAlgorithm(algorithm) : null)
				.build();
			query = new KeyQuery(algorithm, keyId, matcher);
			this.lastQuery = query;
		}
		return query.matcher;
	}

	// RFC 7515 §4.1.4: without a kid, only a set of exactly one key says which key is
	// meant; trying every key is refused.
	private static JWK select(JWKSet keySet, String keyId, JWKMatcher matcher) {
		List<JWK> keys = keySet.getKeys();
		if (keyId == null) {
			return keys.size() == 1 && matcher.matches(keys.get(0)) ? keys.get(0) : null;
		}
		for (JWK key : keys) {
			if (matcher.matches(key)) {
				return key;
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return this.endpoint.toString();
	}

	private record KeyQuery(JWSAlgorithm algorithm, String keyId, JWKMatcher matcher) {
	}

}
