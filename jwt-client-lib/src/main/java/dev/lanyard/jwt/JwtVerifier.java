package dev.lanyard.jwt;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JOSEObjectTypeVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * Verifies Lanyard's internal JWTs and turns them into {@link SessionClaims}.
 *
 * <p>
 * A token is accepted only when all of these hold, checked in this order (cheap checks
 * and checks that need no key come first, so forged tokens cost little):
 * <ol>
 * <li>it is at most {@link Builder#maxTokenLength(int) maxTokenLength} characters,
 * checked before any decoding, and is a JWS in compact serialization: three canonical
 * base64url parts without padding (RFC 7515 §7.1; no JSON serialization, no JWE);</li>
 * <li>the header is a JSON object whose {@code alg} is on the allow-list (RS256 and ES256
 * by default; never {@code none} nor HMAC, RFC 8725 §3.1), without {@code crit},
 * {@code b64}, {@code jku}, {@code x5u}, {@code jwk} or {@code x5c}: keys come only from
 * the configured JWKS (RFC 8725 §3.10);</li>
 * <li>{@code typ} is {@code at+jwt} or {@code application/at+jwt}, or another configured
 * type (RFC 9068 §4, RFC 8725 §3.11), which keeps ID tokens and other JWTs out;</li>
 * <li>the JWKS holds a key for {@code kid} and {@code alg}; without a {@code kid} only a
 * JWKS of exactly one key is used;</li>
 * <li>the signature verifies with that key;</li>
 * <li>the payload is a JSON object with {@code iss} equal to the configured issuer,
 * {@code aud} equal to the configured audience and nothing else, {@code sub},
 * {@code jti}, {@code exp} and {@code iat} present, {@code exp} not passed, {@code nbf}
 * and {@code iat} not in the future (each with the clock skew, RFC 7519 §4.1), and
 * {@code exp - iat} not above the maximum lifetime.</li>
 * </ol>
 *
 * <p>
 * Steps 3 to 6 are nimbus-jose-jwt's {@code DefaultJWTProcessor} (see
 * {@link InternalJwtProcessor}), with keys from a nimbus JWK source (see
 * {@link JwksKeySelector}). Steps 1 and 2 are Lanyard's own: nimbus decodes base64url
 * leniently, reads JSON it should refuse (see {@link JoseJson}) and would accept or
 * misreport the refused headers.
 *
 * <p>
 * Every failure is a {@link JwtVerificationException}; no other exception escapes for any
 * input string. Thread-safe: build one instance per issuer and share it.
 *
 * <pre>{@code
 * JwtVerifier verifier = JwtVerifier.builder()
 *         .issuer("https://login.example.com")
 *         .audience("internal")
 *         .build();
 * SessionClaims session = verifier.verify(token);
 * }</pre>
 */
public final class JwtVerifier {

	/**
	 * Default expected audience: the one the token exchange issues unless told otherwise.
	 */
	public static final String DEFAULT_AUDIENCE = "internal";

	/** Default clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}. */
	public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

	/**
	 * The largest clock skew a verifier accepts (docs/SECURITY.md, decision 7: clock
	 * skew).
	 */
	public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);

	/** Default allowed signature algorithms. */
	public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256");

	/**
	 * Default accepted {@code typ} values ({@code application/} prefix always allowed
	 * too).
	 */
	public static final List<String> DEFAULT_TYPES = List.of(ClaimNames.ACCESS_TOKEN_TYPE);

	/** Default cap on the token length, applied before any decoding. */
	public static final int DEFAULT_MAX_TOKEN_LENGTH = 8192;

	/**
	 * Default longest accepted lifetime, {@code exp - iat}. Lanyard issues at most five
	 * minutes.
	 */
	public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofMinutes(10);

	/**
	 * Default and longest time a JWKS is cached; also the emergency key-withdrawal
	 * window.
	 */
	public static final Duration DEFAULT_JWKS_CACHE_TTL = Duration.ofMinutes(5);

	/** Default time before expiry at which the JWKS is refreshed in the background. */
	public static final Duration DEFAULT_JWKS_REFRESH_AHEAD = Duration.ofSeconds(30);

	/** Default minimum time between two JWKS fetches caused by unknown {@code kid}s. */
	public static final Duration DEFAULT_JWKS_REFETCH_INTERVAL = Duration.ofSeconds(30);

	/** Default connect timeout for discovery and JWKS requests. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);

	/** Default read timeout for discovery and JWKS requests. */
	public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);

	/** Default size limit for discovery and JWKS responses, in bytes. */
	public static final int DEFAULT_JWKS_SIZE_LIMIT = 51_200;

	/**
	 * Default number of verified tokens remembered
	 * ({@link Builder#verifiedTokenCacheSize(int)}).
	 */
	public static final int DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;

	// Asymmetric JWS algorithms only: RFC 8725 §3.1, §3.2.
	private static final Set<String> SUPPORTED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
			"ES256", "ES384", "ES512");

	// RFC 8725 §3.10: key-locating headers are never followed; crit/b64 (RFC 7515
	// §4.1.11, RFC 7797) name extensions Lanyard does not implement. Refused even when
	// null, before nimbus reads the header (which would refuse a private "jwk" as
	// malformed and ignore the others).
	private static final Set<String> UNSUPPORTED_HEADERS = Set.of("crit", "b64", "jku", "x5u", "jwk", "x5c");

	// JOSE headers that only a JWE carries.
	private static final Set<String> ENCRYPTION_HEADERS = Set.of("enc", "zip", "epk", "p2s", "p2c", "iv", "tag");

	// The value of each base64url character (RFC 4648 §5), -1 for any other.
	private static final byte[] SEXTETS = new byte[128];

	static {
		Arrays.fill(SEXTETS, (byte) -1);
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		for (int i = 0; i < alphabet.length(); i++) {
			SEXTETS[alphabet.charAt(i)] = (byte) i;
		}
	}

	private final String issuer;

	private final String audience;

	private final int maxTokenLength;

	private final Set<String> algorithms;

	private final JOSEObjectTypeVerifier<VerificationContext> typeVerifier;

	private final JwksKeySelector keys;

	private final InternalJwtProcessor processor;

	private final Clock clock;

	// Tokens verified before, by SHA-256: a service sees the same token on every request
	// of a session, and a repeated verification then costs a hash instead of a signature
	// check.
	private final Cache<TokenDigest, Verified> verified;

	// The encoded header of the last verified token: tokens from one key share it byte
	// for
	// byte, so Lanyard's header checks need not be repeated (memoisation of a pure
	// function of the header text; nimbus still parses every header).
	private volatile String lastHeader;

	private JwtVerifier(Builder builder, JwksKeySelector keys) {
		this.issuer = builder.issuer;
		this.audience = builder.audience;
		this.maxTokenLength = builder.maxTokenLength;
		this.algorithms = Set.copyOf(builder.algorithms);
		this.keys = keys;
		this.clock = builder.clock;
		this.typeVerifier = typeVerifier(builder.types);
		this.processor = new InternalJwtProcessor(this.typeVerifier, keys,
				new InternalJwtProcessor.ClaimRules(builder.issuer, builder.audience, builder.clockSkew.toSeconds(),
						builder.maxTokenLifetime.toSeconds(), builder.clock));
		this.verified = builder.verifiedTokenCacheSize == 0 ? null
				: Caffeine.newBuilder()
					.maximumSize(builder.verifiedTokenCacheSize)
					.ticker(() -> TimeUnit.MILLISECONDS.toNanos(this.clock.millis()))
					// An entry never outlives its token's exp (without the clock skew the
					// verifier tolerates: the cache is never more lenient than a
					// verification).
					.expireAfter(Expiry.<TokenDigest, Verified>creating((digest, entry) -> {
						long left = entry.claims.expiresAt().toEpochMilli() - this.clock.millis();
						return Duration.ofMillis(Math.max(0, left));
					}))
					.build();
	}

	// RFC 7515 §4.1.9: media types compare case-insensitively (JOSEObjectType does) and
	// "application/" may be omitted, so each type is accepted in both forms.
	private static JOSEObjectTypeVerifier<VerificationContext> typeVerifier(List<String> types) {
		Set<JOSEObjectType> accepted = new HashSet<>();
		for (String type : types) {
			String shortForm = type.toLowerCase(Locale.ROOT).startsWith("application/")
					? type.substring("application/".length()) : type;
			accepted.add(new JOSEObjectType(shortForm));
			accepted.add(new JOSEObjectType("application/" + shortForm));
		}
		DefaultJOSEObjectTypeVerifier<VerificationContext> verifier = new DefaultJOSEObjectTypeVerifier<>(accepted);
		return (type, context) -> {
			try {
				verifier.verify(type, context);
			}
			catch (BadJOSEException e) {
				throw InternalJwtProcessor.rejected(Reason.WRONG_TYPE, "Header \"typ\" is not an accepted token type");
			}
		};
	}

	/**
	 * Starts a builder.
	 * @return a new builder; not thread-safe
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Verifies a token and returns its session claims.
	 * @param token the compact JWT, as taken from {@code Authorization: Bearer}; may be
	 * {@code null} (rejected as {@code malformed})
	 * @return the verified claims, never {@code null}
	 * @throws JwtVerificationException when the token must not be trusted; its reason
	 * says why
	 */
	public SessionClaims verify(String token) throws JwtVerificationException {
		if (token == null || token.isEmpty()) {
			throw malformed("Token is empty");
		}
		if (token.length() > this.maxTokenLength) {
			throw malformed("Token is longer than " + this.maxTokenLength + " characters");
		}
		if (this.verified == null) {
			return verifyFully(token).claims;
		}
		TokenDigest digest = TokenDigest.of(token);
		Verified known = this.verified.getIfPresent(digest);
		if (known != null) {
			if (this.keys.stillPublished(known.keySet, known.key)
					&& known.claims.expiresAt().toEpochMilli() > this.clock.millis()) {
				return known.claims;
			}
			// The key it was verified with left the JWKS (or the token just expired):
			// verify anew.
			this.verified.invalidate(digest);
		}
		Verified fresh = verifyFully(token);
		this.verified.put(digest, fresh);
		return fresh.claims;
	}

	private Verified verifyFully(String token) throws JwtVerificationException {
		int firstDot = token.indexOf('.');
		int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
		if (firstDot <= 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) {
			throw malformed("Token is not a compact JWS of three parts");
		}
		if (secondDot == firstDot + 1 || secondDot == token.length() - 1) {
			throw malformed("Token has an empty payload or signature");
		}
		// RFC 7515 §2, §7.1: unpadded base64url, one encoding per value. nimbus's decoder
		// skips foreign characters, so they are refused here. The header of the last
		// token that verified passed every header check, this one included.
		String header = this.lastHeader;
		if (header == null || header.length() != firstDot || !token.startsWith(header)) {
			requireCanonical(token, 0, firstDot);
			header = token.substring(0, firstDot);
			checkHeader(header);
		}
		requireCanonical(token, firstDot + 1, secondDot);
		requireCanonical(token, secondDot + 1, token.length());
		VerificationContext context = new VerificationContext(token, firstDot + 1, secondDot);
		SignedJWT jwt;
		try {
			jwt = new SignedJWT(new CheckedBase64URL(header),
					new CheckedBase64URL(token.substring(firstDot + 1, secondDot)),
					new CheckedBase64URL(token.substring(secondDot + 1)));
		}
		catch (ParseException | RuntimeException e) {
			// nimbus's header parser also refuses registered parameters of the wrong
			// type,
			// such as a "cty" or "x5t" that is not a string.
			throw malformed("JOSE header is not a valid JWS header");
		}
		try {
			this.processor.process(jwt, context);
		}
		catch (BadJOSEException | JOSEException e) {
			throw rejection(e, context, jwt.getHeader().getKeyID() != null);
		}
		catch (RuntimeException e) {
			// Defence in depth: no input may surface as anything but a verification
			// failure.
			throw malformed("Token could not be processed");
		}
		this.lastHeader = header;
		return new Verified(context.claims(), context.keySet(), context.key());
	}

	/**
	 * The issuer this verifier accepts.
	 * @return the issuer, never {@code null}
	 */
	public String issuer() {
		return this.issuer;
	}

	/**
	 * The audience this verifier accepts.
	 * @return the audience, never {@code null}
	 */
	public String audience() {
		return this.audience;
	}

	private void checkHeader(String encoded) throws JwtVerificationException {
		Map<String, Object> header;
		try {
			header = JoseJson.parseObject(Base64.getUrlDecoder().decode(encoded));
		}
		catch (ParseException e) {
			// Includes invalid UTF-8 and duplicate member names (RFC 7515 §5.2 lets us
			// reject them).
			throw malformed("JOSE header is not a valid JSON object (" + e.getMessage() + ")");
		}
		Object alg = header.get("alg");
		if (!(alg instanceof String)) {
			throw malformed("Header has no string \"alg\"");
		}
		if (!this.algorithms.contains(alg)) {
			// Exact, case-sensitive match (RFC 7515 §4.1.1): "none", "None", HS256, ...
			// all land here.
			throw new JwtVerificationException(Reason.UNSUPPORTED_ALGORITHM, "Algorithm is not on the allow-list");
		}
		for (String name : header.keySet()) {
			if (UNSUPPORTED_HEADERS.contains(name)) {
				throw new JwtVerificationException(Reason.UNSUPPORTED_HEADER,
						"Header parameter \"" + name + "\" is not accepted");
			}
			if (ENCRYPTION_HEADERS.contains(name)) {
				throw new JwtVerificationException(Reason.UNSUPPORTED_ALGORITHM, "Encrypted tokens are not accepted");
			}
		}
		Object typ = header.get("typ");
		try {
			this.typeVerifier.verify(typ instanceof String type ? new JOSEObjectType(type) : null, null);
		}
		catch (BadJOSEException e) {
			// A typ that is not a string counts as absent.
			throw (JwtVerificationException) e.getCause();
		}
		Object kid = header.get("kid");
		if (kid != null && !(kid instanceof String)) {
			throw malformed("Header \"kid\" is not a string");
		}
	}

	// Lanyard's own steps carry their rejection as the cause; nimbus's are mapped here.
	private static JwtVerificationException rejection(Exception e, VerificationContext context, boolean hasKeyId) {
		if (e.getCause() instanceof JwtVerificationException rejection) {
			return rejection;
		}
		if (e instanceof BadJWSException) {
			return new JwtVerificationException(Reason.BAD_SIGNATURE, "Signature does not verify");
		}
		if (context.key() == null) {
			return new JwtVerificationException(Reason.UNKNOWN_KEY,
					hasKeyId ? "No key in the JWKS matches the token's kid and alg"
							: "Token has no kid and the JWKS does not hold exactly one suitable key");
		}
		return new JwtVerificationException(Reason.BAD_SIGNATURE, "Signature could not be verified");
	}

	// RFC 4648 §3.5: only the base64url alphabet, and the unused bits of the last
	// character must be zero, so that each value has exactly one encoding and a token
	// cannot be altered without breaking its signature.
	private static void requireCanonical(String token, int start, int end) throws JwtVerificationException {
		for (int i = start; i < end; i++) {
			if (sextet(token.charAt(i)) < 0) {
				throw malformed(
						token.charAt(i) == '=' ? "Token contains base64 padding" : "Token part is not base64url");
			}
		}
		int unusedBitsMask = switch ((end - start) % 4) {
			case 0 -> 0;
			case 2 -> 0x0F;
			case 3 -> 0x03;
			default -> -1;
		};
		if (unusedBitsMask < 0 || (sextet(token.charAt(end - 1)) & unusedBitsMask) != 0) {
			throw malformed("Token part is not canonical base64url");
		}
	}

	private static int sextet(char c) {
		return c < SEXTETS.length ? SEXTETS[c] : -1;
	}

	private static JwtVerificationException malformed(String message) {
		return new JwtVerificationException(Reason.MALFORMED, message);
	}

	/**
	 * A token part whose characters {@link #requireCanonical} has checked. The JDK
	 * decodes it to the same bytes as nimbus's own codec, which runs in constant time for
	 * key material and costs several microseconds on a signature, which is public.
	 */
	private static final class CheckedBase64URL extends Base64URL {

		private static final long serialVersionUID = 1L;

		private CheckedBase64URL(String encoded) {
			super(encoded);
		}

		@Override
		public byte[] decode() {
			return Base64.getUrlDecoder().decode(toString());
		}

	}

	/**
	 * A token that verified: its claims, and the key set and key it verified with.
	 * Immutable.
	 */
	private record Verified(SessionClaims claims, JWKSet keySet, JWK key) {
	}

	/** The SHA-256 of a token, as the cache's key: the token itself is not kept. */
	private record TokenDigest(long a, long b, long c, long d) {

		private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
			try {
				return MessageDigest.getInstance("SHA-256");
			}
			catch (NoSuchAlgorithmException e) {
				throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
			}
		});

		static TokenDigest of(String token) {
			MessageDigest sha256 = SHA_256.get();
			// Tokens are ASCII by then (the length is checked; other characters never
			// verify).
			ByteBuffer hash = ByteBuffer.wrap(sha256.digest(token.getBytes(StandardCharsets.ISO_8859_1)));
			return new TokenDigest(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
		}
	}

	/**
	 * Builds a {@link JwtVerifier}. Only {@link #issuer(String)} is required; every other
	 * setting has the default named by the {@code DEFAULT_*} constant of
	 * {@link JwtVerifier}. Not thread-safe.
	 */
	public static final class Builder {

		private String issuer;

		private String audience = DEFAULT_AUDIENCE;

		private URI jwksUri;

		private Duration clockSkew = DEFAULT_CLOCK_SKEW;

		private List<String> algorithms = DEFAULT_ALGORITHMS;

		private List<String> types = DEFAULT_TYPES;

		private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;

		private Duration maxTokenLifetime = DEFAULT_MAX_TOKEN_LIFETIME;

		private Duration jwksCacheTtl = DEFAULT_JWKS_CACHE_TTL;

		private Duration jwksRefreshAhead = DEFAULT_JWKS_REFRESH_AHEAD;

		private Duration jwksRefetchInterval = DEFAULT_JWKS_REFETCH_INTERVAL;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration readTimeout = DEFAULT_READ_TIMEOUT;

		private int jwksSizeLimit = DEFAULT_JWKS_SIZE_LIMIT;

		private int verifiedTokenCacheSize = DEFAULT_VERIFIED_TOKEN_CACHE_SIZE;

		private Clock clock = Clock.systemUTC();

		private Builder() {
		}

		/**
		 * Sets the issuer: tokens must carry exactly this {@code iss}, and unless
		 * {@link #jwksUri(URI)} is set, the JWKS location is read from
		 * {@code <issuer>/.well-known/openid-configuration}. Required.
		 * @param issuer the absolute http(s) issuer URL, not {@code null}
		 * @return this builder
		 */
		public Builder issuer(String issuer) {
			this.issuer = issuer;
			return this;
		}

		/**
		 * Sets the one audience tokens must carry; default
		 * {@value JwtVerifier#DEFAULT_AUDIENCE}.
		 * @param audience the audience, not blank
		 * @return this builder
		 */
		public Builder audience(String audience) {
			this.audience = audience;
			return this;
		}

		/**
		 * Sets the JWKS location explicitly instead of discovering it from the issuer.
		 * @param jwksUri an absolute http(s) URL, or {@code null} for discovery
		 * @return this builder
		 */
		public Builder jwksUri(URI jwksUri) {
			this.jwksUri = jwksUri;
			return this;
		}

		/**
		 * Sets the clock skew tolerated on {@code exp}, {@code nbf} and {@code iat};
		 * default 30 s, at most 60 s.
		 * @param clockSkew the skew, not {@code null}
		 * @return this builder
		 */
		public Builder clockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
			return this;
		}

		/**
		 * Sets the allowed JWS algorithms; default RS256 and ES256. Only RSA and ECDSA
		 * algorithms can be allowed: {@code none} and HMAC are refused (RFC 8725 §3.1).
		 * @param algorithms JWS algorithm names such as {@code RS256}, not empty
		 * @return this builder
		 */
		public Builder algorithms(List<String> algorithms) {
			this.algorithms = List.copyOf(algorithms);
			return this;
		}

		/**
		 * Sets the accepted {@code typ} header values; default {@code at+jwt}. Each also
		 * accepts its {@code application/} form.
		 * @param types the types, not empty
		 * @return this builder
		 */
		public Builder types(List<String> types) {
			this.types = List.copyOf(types);
			return this;
		}

		/**
		 * Sets the longest token accepted, in characters, checked before any decoding;
		 * default 8192.
		 * @param maxTokenLength the cap, between 64 and 1 048 576
		 * @return this builder
		 */
		public Builder maxTokenLength(int maxTokenLength) {
			this.maxTokenLength = maxTokenLength;
			return this;
		}

		/**
		 * Sets the longest accepted {@code exp - iat}; default 10 minutes.
		 * @param maxTokenLifetime the lifetime, positive
		 * @return this builder
		 */
		public Builder maxTokenLifetime(Duration maxTokenLifetime) {
			this.maxTokenLifetime = maxTokenLifetime;
			return this;
		}

		/**
		 * Sets how long fetched keys are used before they must be refreshed; default and
		 * maximum 5 minutes. This bounds how long a key withdrawn from the JWKS keeps
		 * verifying.
		 * @param jwksCacheTtl the time to live, positive and at most 5 minutes
		 * @return this builder
		 */
		public Builder jwksCacheTtl(Duration jwksCacheTtl) {
			this.jwksCacheTtl = jwksCacheTtl;
			return this;
		}

		/**
		 * Sets how long before expiry the JWKS is refreshed in the background; default 30
		 * s.
		 * @param jwksRefreshAhead the lead time, not negative and shorter than the cache
		 * TTL
		 * @return this builder
		 */
		public Builder jwksRefreshAhead(Duration jwksRefreshAhead) {
			this.jwksRefreshAhead = jwksRefreshAhead;
			return this;
		}

		/**
		 * Sets the minimum time between two JWKS fetches triggered by an unknown
		 * {@code kid} or by a failed fetch; default 30 s.
		 * @param jwksRefetchInterval the interval, positive
		 * @return this builder
		 */
		public Builder jwksRefetchInterval(Duration jwksRefetchInterval) {
			this.jwksRefetchInterval = jwksRefetchInterval;
			return this;
		}

		/**
		 * Sets the connect timeout of discovery and JWKS requests; default 1 s.
		 * @param connectTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
			return this;
		}

		/**
		 * Sets the read timeout of discovery and JWKS requests; default 2 s.
		 * @param readTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder readTimeout(Duration readTimeout) {
			this.readTimeout = readTimeout;
			return this;
		}

		/**
		 * Sets the largest discovery or JWKS response accepted, in bytes; default 51 200.
		 * @param jwksSizeLimit the limit, positive
		 * @return this builder
		 */
		public Builder jwksSizeLimit(int jwksSizeLimit) {
			this.jwksSizeLimit = jwksSizeLimit;
			return this;
		}

		/**
		 * Sets how many verified tokens are remembered (by their SHA-256, never the
		 * token), so that verifying the same token again costs a hash rather than a
		 * signature check; default
		 * {@value JwtVerifier#DEFAULT_VERIFIED_TOKEN_CACHE_SIZE}, {@code 0} to turn it
		 * off. A remembered token is answered only until its {@code exp} and only while
		 * the key it verified with is still in the JWKS; the least used are forgotten
		 * first when full.
		 * @param verifiedTokenCacheSize 0 to 1,000,000
		 * @return this builder
		 */
		public Builder verifiedTokenCacheSize(int verifiedTokenCacheSize) {
			this.verifiedTokenCacheSize = verifiedTokenCacheSize;
			return this;
		}

		/**
		 * Sets the clock used for token times and JWKS caching; default the system UTC
		 * clock.
		 * @param clock the clock, not {@code null}
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Builds the verifier. No network request is made here: discovery and the first
		 * JWKS fetch happen on the first verification.
		 * @return the verifier
		 * @throws IllegalArgumentException when a setting is missing or out of range; the
		 * message says which and what to set
		 */
		public JwtVerifier build() {
			require(this.issuer != null && !this.issuer.isBlank(),
					"issuer is required: set it to the Lanyard authorization server's issuer URL, e.g. http://localhost:9000");
			try {
				IssuerJwkSetSource.httpUri(this.issuer);
				if (this.jwksUri != null) {
					IssuerJwkSetSource.httpUri(this.jwksUri.toString());
				}
			}
			catch (IOException e) {
				throw new IllegalArgumentException(
						"issuer and jwksUri must be absolute http(s) URLs: " + e.getMessage(), e);
			}
			require(this.audience != null && !this.audience.isBlank(), "audience must not be blank");
			require(this.clockSkew != null && !this.clockSkew.isNegative()
					&& this.clockSkew.compareTo(MAX_CLOCK_SKEW) <= 0, "clockSkew must be between 0 and 60 s");
			require(!this.algorithms.isEmpty(), "algorithms must name at least one algorithm, e.g. RS256");
			for (String algorithm : this.algorithms) {
				require(SUPPORTED_ALGORITHMS.contains(algorithm),
						"algorithm \"" + algorithm + "\" cannot be allowed; choose from "
								+ new java.util.TreeSet<>(SUPPORTED_ALGORITHMS)
								+ " (never none or HMAC, RFC 8725 §3.1)");
			}
			require(!this.types.isEmpty() && this.types.stream().noneMatch(t -> t == null || t.isBlank()),
					"types must name at least one token type, e.g. at+jwt");
			require(this.maxTokenLength >= 64 && this.maxTokenLength <= 1_048_576,
					"maxTokenLength must be between 64 and 1048576");
			requirePositive(this.maxTokenLifetime, "maxTokenLifetime");
			requirePositive(this.jwksCacheTtl, "jwksCacheTtl");
			require(this.jwksCacheTtl.compareTo(DEFAULT_JWKS_CACHE_TTL) <= 0,
					"jwksCacheTtl must be at most 5 minutes (the emergency key-withdrawal window)");
			require(this.jwksRefreshAhead != null && !this.jwksRefreshAhead.isNegative()
					&& this.jwksRefreshAhead.compareTo(this.jwksCacheTtl) < 0,
					"jwksRefreshAhead must be shorter than jwksCacheTtl");
			requirePositive(this.jwksRefetchInterval, "jwksRefetchInterval");
			requirePositive(this.connectTimeout, "connectTimeout");
			requirePositive(this.readTimeout, "readTimeout");
			require(this.jwksSizeLimit > 0, "jwksSizeLimit must be positive");
			require(this.verifiedTokenCacheSize >= 0 && this.verifiedTokenCacheSize <= 1_000_000,
					"verifiedTokenCacheSize must be between 0 (off) and 1000000");
			Objects.requireNonNull(this.clock, "clock");
			IssuerJwkSetSource endpoint = new IssuerJwkSetSource(this.issuer, this.jwksUri, this.connectTimeout,
					this.readTimeout, this.jwksSizeLimit, this.jwksRefetchInterval);
			// How long requests wait for a refresh another thread is running: a discovery
			// and a JWKS request at most, but never into the refresh-ahead window (nimbus
			// requires refresh-ahead + this wait <= TTL).
			Duration refreshWait = this.connectTimeout.plus(this.readTimeout).multipliedBy(2);
			Duration untilRefreshAhead = this.jwksCacheTtl.minus(this.jwksRefreshAhead);
			JwksKeySelector keys = new JwksKeySelector(endpoint, this.clock, this.jwksCacheTtl, this.jwksRefreshAhead,
					this.jwksRefetchInterval,
					refreshWait.compareTo(untilRefreshAhead) < 0 ? refreshWait : untilRefreshAhead);
			return new JwtVerifier(this, keys);
		}

		private static void requirePositive(Duration duration, String name) {
			require(duration != null && !duration.isNegative() && !duration.isZero(), name + " must be positive");
		}

		private static void require(boolean condition, String message) {
			if (!condition) {
				throw new IllegalArgumentException(message);
			}
		}

	}

}
