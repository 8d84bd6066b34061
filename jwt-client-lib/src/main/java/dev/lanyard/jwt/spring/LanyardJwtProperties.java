package dev.lanyard.jwt.spring;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.lanyard.jwt.JwtVerifier;

/**
 * Configuration of the Lanyard JWT client library under {@code lanyard.jwt}. Only
 * {@code issuer} is required; every default comes from the {@code DEFAULT_*} constants of
 * {@link JwtVerifier}, the one place they are defined.
 *
 * @param enabled whether the auto-configuration is active (default {@code true})
 * @param issuer the authorization server's issuer URL; tokens must carry exactly this
 * {@code iss}, and the JWKS is found through its discovery document. Required
 * @param audience the one audience tokens must carry (default {@code internal})
 * @param jwksUri the JWKS URL, to skip discovery (default: from discovery)
 * @param clockSkew the clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}
 * (default 30s, at most 60s)
 * @param algorithms allowed JWS algorithms (default RS256, ES256; never none or HMAC)
 * @param types accepted {@code typ} header values (default {@code at+jwt})
 * @param maxTokenLength the longest token accepted, in characters, checked before
 * decoding (default 8192)
 * @param maxTokenLifetime the longest accepted {@code exp - iat} (default 10m)
 * @param verifiedTokenCacheSize how many verified tokens are remembered, by SHA-256, each
 * until its {@code exp} and while its key is in the JWKS (default 10000; 0 turns it off)
 * @param publicPaths request paths served without a token, exact or ending in
 * {@code /**}, for example {@code /actuator/health} (default none)
 * @param jwks JWKS fetching and caching
 * @param propagation forwarding of the current token on outbound {@code RestClient} calls
 */
@ConfigurationProperties("lanyard.jwt")
public record LanyardJwtProperties(Boolean enabled, String issuer, String audience, URI jwksUri, Duration clockSkew,
		List<String> algorithms, List<String> types, Integer maxTokenLength, Duration maxTokenLifetime,
		Integer verifiedTokenCacheSize, List<String> publicPaths, Jwks jwks, Propagation propagation) {

	/** Fills in the defaults. */
	public LanyardJwtProperties {
		enabled = enabled == null || enabled;
		audience = audience != null ? audience : JwtVerifier.DEFAULT_AUDIENCE;
		clockSkew = clockSkew != null ? clockSkew : JwtVerifier.DEFAULT_CLOCK_SKEW;
		algorithms = algorithms != null ? List.copyOf(algorithms) : JwtVerifier.DEFAULT_ALGORITHMS;
		types = types != null ? List.copyOf(types) : JwtVerifier.DEFAULT_TYPES;
		maxTokenLength = maxTokenLength != null ? maxTokenLength : JwtVerifier.DEFAULT_MAX_TOKEN_LENGTH;
		maxTokenLifetime = maxTokenLifetime != null ? maxTokenLifetime : JwtVerifier.DEFAULT_MAX_TOKEN_LIFETIME;
		verifiedTokenCacheSize = verifiedTokenCacheSize != null ? verifiedTokenCacheSize
				: JwtVerifier.DEFAULT_VERIFIED_TOKEN_CACHE_SIZE;
		publicPaths = publicPaths != null ? List.copyOf(publicPaths) : List.of();
		jwks = jwks != null ? jwks : new Jwks(null, null, null, null, null, null);
		propagation = propagation != null ? propagation : new Propagation(null);
	}

	/**
	 * JWKS fetching and caching under {@code lanyard.jwt.jwks}.
	 *
	 * @param cacheTtl how long fetched keys are used; also the emergency key-withdrawal
	 * window (default and maximum 5m)
	 * @param refreshAhead how long before expiry the keys are refreshed in the background
	 * (default 30s)
	 * @param refetchInterval minimum time between fetches caused by an unknown
	 * {@code kid} or a failed fetch (default 30s)
	 * @param connectTimeout connect timeout of discovery and JWKS requests (default 1s)
	 * @param readTimeout read timeout of discovery and JWKS requests (default 2s)
	 * @param sizeLimit largest discovery or JWKS response, in bytes (default 51200)
	 */
	public record Jwks(Duration cacheTtl, Duration refreshAhead, Duration refetchInterval, Duration connectTimeout,
			Duration readTimeout, Integer sizeLimit) {

		/** Fills in the defaults. */
		public Jwks {
			cacheTtl = cacheTtl != null ? cacheTtl : JwtVerifier.DEFAULT_JWKS_CACHE_TTL;
			refreshAhead = refreshAhead != null ? refreshAhead : JwtVerifier.DEFAULT_JWKS_REFRESH_AHEAD;
			refetchInterval = refetchInterval != null ? refetchInterval : JwtVerifier.DEFAULT_JWKS_REFETCH_INTERVAL;
			connectTimeout = connectTimeout != null ? connectTimeout : JwtVerifier.DEFAULT_CONNECT_TIMEOUT;
			readTimeout = readTimeout != null ? readTimeout : JwtVerifier.DEFAULT_READ_TIMEOUT;
			sizeLimit = sizeLimit != null ? sizeLimit : JwtVerifier.DEFAULT_JWKS_SIZE_LIMIT;
		}
	}

	/**
	 * Outbound token propagation under {@code lanyard.jwt.propagation}.
	 *
	 * @param allowedHosts hosts (optionally {@code host:port}) that receive the current
	 * token on outbound {@code RestClient} calls; {@code *} means every host. Default
	 * none: the internal JWT must never reach a third party
	 */
	public record Propagation(List<String> allowedHosts) {

		/** Fills in the defaults. */
		public Propagation {
			allowedHosts = allowedHosts != null ? List.copyOf(allowedHosts) : List.of();
		}
	}

	/**
	 * Builds the verifier these properties describe.
	 * @return a new verifier
	 * @throws IllegalStateException when {@code issuer} is not set
	 * @throws IllegalArgumentException when a setting is out of range; the message names
	 * it
	 */
	public JwtVerifier toVerifier() {
		if (this.issuer == null || this.issuer.isBlank()) {
			throw new IllegalStateException("Set lanyard.jwt.issuer to the Lanyard authorization server's issuer "
					+ "URL (e.g. http://localhost:9000), or lanyard.jwt.enabled=false to switch the library off");
		}
		return JwtVerifier.builder()
			.issuer(this.issuer)
			.audience(this.audience)
			.jwksUri(this.jwksUri)
			.clockSkew(this.clockSkew)
			.algorithms(this.algorithms)
			.types(this.types)
			.maxTokenLength(this.maxTokenLength)
			.maxTokenLifetime(this.maxTokenLifetime)
			.verifiedTokenCacheSize(this.verifiedTokenCacheSize)
			.jwksCacheTtl(this.jwks.cacheTtl())
			.jwksRefreshAhead(this.jwks.refreshAhead())
			.jwksRefetchInterval(this.jwks.refetchInterval())
			.connectTimeout(this.jwks.connectTimeout())
			.readTimeout(this.jwks.readTimeout())
			.jwksSizeLimit(this.jwks.sizeLimit())
			.build();
	}
}
