package dev.lanyard.jwt;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetRetrievalException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * The issuer's JWKS endpoint, as the innermost {@link JWKSetSource} of the verifier's
 * nimbus JWK source: one fetch per call, found through OpenID Connect Discovery unless
 * configured; the caching layers of {@link JwksKeySelector} sit on top.
 *
 * <p>
 * It adds what nimbus's {@code URLBasedJWKSetSource} does not do:
 * <ul>
 * <li>discovery, with the issuer check of OpenID Connect Discovery 1.0 §4.3;</li>
 * <li>keys unusable for verification are left out one by one, each logged, rather than
 * failing the whole set ({@code JWKSet.parse} fails on the first broken entry): only
 * public RSA (2048 bits and more) and EC P-256/384/521 keys, with {@code use} {@code sig}
 * or none, {@code key_ops} containing {@code verify} or none, and a declared {@code alg}
 * that fits the key;</li>
 * <li>after a failed fetch, the next attempt waits the refetch interval (one second
 * before any set was ever loaded) and calls in between fail at once, so an outage never
 * turns into one request per verification;</li>
 * <li>the time and state of the last attempt, which the unknown-{@code kid} rate limit
 * reads.</li>
 * </ul>
 * Requests go only to the configured issuer's discovery document or the JWKS URL it (or
 * the configuration) names; nothing in a token can change that (RFC 8725 §3.10). They use
 * nimbus's {@link DefaultResourceRetriever} (timeouts, size limit), with redirects turned
 * off. Thread-safe.
 */
final class IssuerJwkSetSource implements JWKSetSource<VerificationContext> {

	static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

	private static final System.Logger LOG = System.getLogger(IssuerJwkSetSource.class.getName());

	private static final int MIN_RSA_BITS = 2048;

	private static final long COLD_RETRY_MILLIS = 1_000;

	private final String issuer;

	private final DefaultResourceRetriever retriever;

	private final long refetchIntervalMillis;

	private volatile URI jwksUri;

	private volatile long lastAttemptMillis = Long.MIN_VALUE / 2;

	private volatile boolean lastAttemptFailed;

	private volatile boolean loadedOnce;

	private volatile boolean fetching;

	// The JCA keys of the last fetched set, by JWK instance: converted once per fetch,
	// not
	// per token.
	private volatile Map<JWK, PublicKey> publicKeys = Map.of();

	IssuerJwkSetSource(String issuer, URI jwksUri, Duration connectTimeout, Duration readTimeout, int sizeLimit,
			Duration refetchInterval) {
		this.issuer = issuer;
		this.jwksUri = jwksUri;
		this.refetchIntervalMillis = refetchInterval.toMillis();
		this.retriever = new DefaultResourceRetriever(Math.toIntExact(connectTimeout.toMillis()),
				Math.toIntExact(readTimeout.toMillis()), sizeLimit) {
			@Override
			protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
				HttpURLConnection connection = super.openHTTPConnection(url);
				connection.setInstanceFollowRedirects(false);
				connection.setUseCaches(false);
				return connection;
			}
		};
		this.retriever.setHeaders(Map.of("Accept", List.of("application/jwk-set+json, application/json")));
	}

	/**
	 * Checks that a configured or discovered location is an absolute http(s) URL.
	 * @throws IOException when it is not
	 */
	static URI httpUri(String location) throws IOException {
		try {
			URI uri = new URI(location);
			if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
					|| uri.getHost() == null) {
				throw new IOException("Not an absolute http(s) URL: " + location);
			}
			return uri;
		}
		catch (URISyntaxException e) {
			throw new IOException("Not a valid URL: " + location, e);
		}
	}

	@Override
	public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, VerificationContext context)
			throws JWKSetUnavailableException {
		long spacing = this.loadedOnce ? this.refetchIntervalMillis
				: Math.min(COLD_RETRY_MILLIS, this.refetchIntervalMillis);
		if (this.lastAttemptFailed && currentTime - this.lastAttemptMillis < spacing) {
			throw new JWKSetUnavailableException(
					"The last attempt to load the JWKS from " + this + " failed moments ago");
		}
		this.lastAttemptMillis = currentTime;
		this.fetching = true;
		try {
			String document = this.retriever.retrieveResource(jwksUri().toURL()).getContent();
			Map<JWK, PublicKey> usable = new IdentityHashMap<>();
			JWKSet keys = parse(document, usable);
			this.publicKeys = usable;
			this.lastAttemptFailed = false;
			this.loadedOnce = true;
			LOG.log(Level.DEBUG, "Loaded {0} verification key(s) from {1}", keys.size(), this);
			return keys;
		}
		catch (IOException | ParseException | RuntimeException e) {
			this.lastAttemptFailed = true;
			LOG.log(Level.WARNING, "Could not load the JWKS from {0} ({1}){2}", this, e.getMessage(),
					this.loadedOnce ? "; keeping the cached keys" : "");
			throw new JWKSetRetrievalException("Could not load the JWKS from " + this, e);
		}
		finally {
			this.fetching = false;
		}
	}

	/** When the last fetch started, in the verifier's clock. */
	long lastAttemptMillis() {
		return this.lastAttemptMillis;
	}

	/** Whether a fetch is running now. */
	boolean fetching() {
		return this.fetching;
	}

	/**
	 * The JCA form of a key from a set this source returned.
	 * @throws JOSEException when the key cannot be converted (never for a key of the
	 * current set)
	 */
	PublicKey publicKey(JWK key) throws JOSEException {
		PublicKey publicKey = this.publicKeys.get(key);
		if (publicKey != null) {
			return publicKey;
		}
		// A set fetched before the last one, still served for a moment by the cache.
		return key instanceof ECKey ec ? ec.toECPublicKey() : ((RSAKey) key).toRSAPublicKey();
	}

	private URI jwksUri() throws IOException, ParseException {
		URI uri = this.jwksUri;
		if (uri == null) {
			uri = discoverJwksUri();
			this.jwksUri = uri;
		}
		return uri;
	}

	// OpenID Connect Discovery 1.0 §4: metadata at issuer +
	// /.well-known/openid-configuration, whose "issuer" MUST be identical to the issuer
	// it was fetched for (§4.3).
	private URI discoverJwksUri() throws IOException, ParseException {
		String base = this.issuer.endsWith("/") ? this.issuer.substring(0, this.issuer.length() - 1) : this.issuer;
		URI discovery = URI.create(base + DISCOVERY_PATH);
		Map<String, Object> metadata = JSONObjectUtils
			.parse(this.retriever.retrieveResource(discovery.toURL()).getContent());
		if (metadata == null) {
			throw new ParseException("The discovery document is not a JSON object", 0);
		}
		if (!this.issuer.equals(JSONObjectUtils.getString(metadata, "issuer"))) {
			throw new IOException("Discovery document at " + discovery + " names a different issuer");
		}
		String location = JSONObjectUtils.getString(metadata, "jwks_uri");
		if (location == null) {
			throw new IOException("Discovery document at " + discovery + " has no jwks_uri");
		}
		return httpUri(location);
	}

	/**
	 * Parses a JWKS document (RFC 7517 §5), keeping the keys usable for verification.
	 * @throws ParseException when the document is not a JSON object with a {@code keys}
	 * array
	 */
	private static JWKSet parse(String document, Map<JWK, PublicKey> publicKeys) throws ParseException {
		Map<String, Object> json = JSONObjectUtils.parse(document);
		List<Object> entries = json != null ? JSONObjectUtils.getJSONArray(json, "keys") : null;
		if (entries == null) {
			throw new ParseException("The JWKS is not a JSON object with a \"keys\" array", 0);
		}
		List<JWK> keys = new ArrayList<>(entries.size());
		for (Object entry : entries) {
			StringBuilder skipped = new StringBuilder();
			if (entry instanceof Map<?, ?> map) {
				try {
					@SuppressWarnings("unchecked")
					JWK key = JWK.parse((Map<String, Object>) map);
					PublicKey publicKey = verificationKey(key, skipped);
					if (publicKey != null) {
						keys.add(key);
						publicKeys.put(key, publicKey);
					}
				}
				catch (ParseException | JOSEException | RuntimeException e) {
					skipped.append("not a valid JWK");
				}
			}
			else {
				skipped.append("not a JSON object");
			}
			if (!skipped.isEmpty()) {
				LOG.log(Level.WARNING, "Ignoring a JWKS entry: {0}", skipped);
			}
		}
		return new JWKSet(keys);
	}

	/**
	 * Converts a JWK, or says in {@code skipped} why it cannot verify Lanyard's tokens.
	 * @return the key, or {@code null} when the JWK is left out
	 */
	private static PublicKey verificationKey(JWK key, StringBuilder skipped) throws JOSEException {
		// RFC 7517 §4.2/§4.3: only keys meant for signatures are candidates.
		if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
			skipped.append("use is not \"sig\"");
		}
		else if (key.getKeyOperations() != null && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
			skipped.append("key_ops lacks \"verify\"");
		}
		else if (key.isPrivate()) {
			// A JWKS that leaks a private key is broken; refuse to hold private material.
			skipped.append("it carries private key material");
		}
		else if (key instanceof RSAKey rsa) {
			if (rsa.size() < MIN_RSA_BITS) {
				skipped.append("RSA key shorter than ").append(MIN_RSA_BITS).append(" bits");
			}
			else if (key.getAlgorithm() != null
					&& !JWSAlgorithm.Family.RSA.contains(JWSAlgorithm.parse(key.getAlgorithm().getName()))) {
				skipped.append("\"alg\" does not match the key type");
			}
			else {
				return rsa.toRSAPublicKey();
			}
		}
		else if (key instanceof ECKey ec) {
			JWSAlgorithm algorithm = ecAlgorithm(ec.getCurve());
			if (algorithm == null) {
				skipped.append("unsupported curve");
			}
			else if (key.getAlgorithm() != null && !algorithm.getName().equals(key.getAlgorithm().getName())) {
				skipped.append("\"alg\" does not match the key type");
			}
			else {
				return ec.toECPublicKey();
			}
		}
		else {
			// Never "oct" (HMAC with a published key would be forgeable, RFC 8725 §3.1)
			// nor others.
			skipped.append("unsupported key type ").append(key.getKeyType());
		}
		return null;
	}

	private static JWSAlgorithm ecAlgorithm(Curve curve) {
		if (Curve.P_256.equals(curve)) {
			return JWSAlgorithm.ES256;
		}
		if (Curve.P_384.equals(curve)) {
			return JWSAlgorithm.ES384;
		}
		if (Curve.P_521.equals(curve)) {
			return JWSAlgorithm.ES512;
		}
		return null;
	}

	@Override
	public void close() {
		// nothing held open: every request closes its connection
	}

	@Override
	public String toString() {
		URI uri = this.jwksUri;
		return uri != null ? uri.toString() : this.issuer + DISCOVERY_PATH;
	}

}
