package dev.lanyard.jwt;

import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * Verifies the logout tokens Lanyard posts to a client's back-channel logout URI (OpenID
 * Connect Back-Channel Logout 1.0 §2.6), with the issuer's keys as {@link JwtVerifier}
 * reads them. A logout token passes only as a logout token: header {@code typ}
 * {@code logout+jwt} (so it never passes {@link JwtVerifier}, which takes {@code at+jwt},
 * and no access token passes here); signed with an allowed asymmetric algorithm by a key
 * of the issuer's JWKS; {@code iss} exactly the issuer; {@code aud} containing the client
 * id; {@code iat} and {@code exp} within the clock skew; a {@code jti} not seen before by
 * this verifier while the token lives; {@code events} holding the back-channel logout
 * event as a JSON object; {@code sub} or {@code sid}; and no {@code nonce}. Thread-safe;
 * build one per client and keep it.
 *
 * <pre>
 * LogoutTokenVerifier logouts = LogoutTokenVerifier.builder()
 *     .issuer("https://login.example.com")
 *     .clientId("web-app")
 *     .build();
 * LogoutToken logout = logouts.verify(request.getParameter("logout_token"));
 * sessions.endAll(logout.sessionId());
 * </pre>
 */
public final class LogoutTokenVerifier {

	/** The header {@code typ} of a logout token (§2.4). */
	public static final String TYPE = "logout+jwt";

	/** The event member a logout token's {@code events} claim holds (§2.4). */
	public static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";

	/** The longest a logout token may live, {@code exp} minus {@code iat}. */
	public static final Duration MAX_TOKEN_LIFETIME = Duration.ofMinutes(10);

	private static final Set<String> SUPPORTED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
			"ES256", "ES384", "ES512");

	private static final int MAX_TOKEN_LENGTH = 16 * 1024;

	private final String issuer;

	private final String clientId;

	private final Set<String> algorithms;

	private final long skewMillis;

	private final Clock clock;

	private final DefaultJWTProcessor<VerificationContext> processor = new DefaultJWTProcessor<>();

	/** The {@code jti}s verified, until their token expires: one logout per token. */
	private final Cache<String, Instant> seen;

	private LogoutTokenVerifier(Builder builder, JwksKeySelector keys) {
		this.issuer = builder.issuer;
		this.clientId = builder.clientId;
		this.algorithms = Set.copyOf(builder.algorithms);
		this.skewMillis = builder.clockSkew.toMillis();
		this.clock = builder.clock;
		this.processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType(TYPE),
				new JOSEObjectType("application/" + TYPE)));
		this.processor.setJWSKeySelector(keys);
		// The claims are checked below, with this verifier's reasons.
		this.processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
		this.seen = Caffeine.newBuilder()
			.maximumSize(100_000)
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(this.clock.millis()))
			.expireAfter(Expiry.<String, Instant>creating((jti, expiresAt) -> Duration
				.ofMillis(Math.max(0, expiresAt.toEpochMilli() + this.skewMillis - this.clock.millis()))))
			.build();
	}

	/**
	 * Starts a builder.
	 * @return a new builder; not thread-safe
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Verifies a logout token, as posted in the {@code logout_token} form parameter.
	 * @param token the compact JWT; may be {@code null} (rejected as {@code malformed})
	 * @return what the token says ended
	 * @throws JwtVerificationException when the token must not be acted on; its reason
	 * says why
	 */
	public LogoutToken verify(String token) throws JwtVerificationException {
		if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
			throw new JwtVerificationException(Reason.MALFORMED, "Token is empty or too long");
		}
		SignedJWT jwt;
		try {
			jwt = SignedJWT.parse(token);
		}
		catch (ParseException | RuntimeException ex) {
			throw new JwtVerificationException(Reason.MALFORMED, "Token is not a compact JWS");
		}
		checkHeader(jwt.getHeader());
		int firstDot = token.indexOf('.');
		VerificationContext context = new VerificationContext(token, firstDot + 1, token.indexOf('.', firstDot + 1));
		JWTClaimsSet claims;
		try {
			claims = this.processor.process(jwt, context);
		}
		catch (BadJWSException ex) {
			throw new JwtVerificationException(Reason.BAD_SIGNATURE, "Signature does not verify");
		}
		catch (BadJOSEException | JOSEException ex) {
			if (ex.getCause() instanceof JwtVerificationException rejection) {
				throw rejection;
			}
			throw new JwtVerificationException((context.key() == null) ? Reason.UNKNOWN_KEY : Reason.BAD_SIGNATURE,
					"No key of the issuer verifies the token");
		}
		catch (RuntimeException ex) {
			throw new JwtVerificationException(Reason.MALFORMED, "Token could not be processed");
		}
		LogoutToken logout = checkClaims(claims);
		if (this.seen.asMap().putIfAbsent(logout.id(), logout.expiresAt()) != null) {
			throw new JwtVerificationException(Reason.INVALID_CLAIM, "Token was used before (same jti)");
		}
		return logout;
	}

	private void checkHeader(JWSHeader header) throws JwtVerificationException {
		JOSEObjectType type = header.getType();
		if (type == null || !(TYPE.equalsIgnoreCase(type.getType())
				|| ("application/" + TYPE).equalsIgnoreCase(type.getType()))) {
			throw new JwtVerificationException(Reason.WRONG_TYPE, "Header \"typ\" is not " + TYPE);
		}
		// RFC 8725 §3.10: key-locating headers are never followed.
		if (header.getCriticalParams() != null || header.getJWKURL() != null || header.getJWK() != null
				|| header.getX509CertURL() != null || header.getX509CertChain() != null) {
			throw new JwtVerificationException(Reason.UNSUPPORTED_HEADER, "Header names a key or an extension");
		}
		if (!this.algorithms.contains(header.getAlgorithm().getName())) {
			throw new JwtVerificationException(Reason.UNSUPPORTED_ALGORITHM, "Algorithm is not allowed");
		}
	}

	private LogoutToken checkClaims(JWTClaimsSet claims) throws JwtVerificationException {
		if (!this.issuer.equals(claims.getIssuer())) {
			throw new JwtVerificationException(Reason.WRONG_ISSUER, "Issuer is not " + this.issuer);
		}
		if (claims.getAudience() == null || !claims.getAudience().contains(this.clientId)) {
			throw new JwtVerificationException(Reason.WRONG_AUDIENCE, "Audience does not name this client");
		}
		Date issuedAt = claims.getIssueTime();
		Date expiresAt = claims.getExpirationTime();
		String jti = claims.getJWTID();
		if (issuedAt == null || expiresAt == null || jti == null || jti.isEmpty()) {
			throw new JwtVerificationException(Reason.MISSING_CLAIM, "iat, exp and jti are required");
		}
		long now = this.clock.millis();
		if (expiresAt.getTime() + this.skewMillis <= now) {
			throw new JwtVerificationException(Reason.EXPIRED, "Token expired");
		}
		if (issuedAt.getTime() - this.skewMillis > now) {
			throw new JwtVerificationException(Reason.NOT_YET_VALID, "Token is issued in the future");
		}
		if (expiresAt.getTime() - issuedAt.getTime() > MAX_TOKEN_LIFETIME.toMillis()) {
			throw new JwtVerificationException(Reason.INVALID_CLAIM, "Token lives too long");
		}
		Object events = claims.getClaim("events");
		if (!(events instanceof Map<?, ?> members) || !(members.get(EVENT) instanceof Map)) {
			throw new JwtVerificationException(Reason.INVALID_CLAIM, "events holds no back-channel logout event");
		}
		// §2.4: a logout token is not an ID token and carries no nonce.
		if (claims.getClaim("nonce") != null) {
			throw new JwtVerificationException(Reason.INVALID_CLAIM, "A logout token carries no nonce");
		}
		String subject = stringClaim(claims, "sub");
		String sessionId = stringClaim(claims, "sid");
		if (subject == null && sessionId == null) {
			throw new JwtVerificationException(Reason.MISSING_CLAIM, "sub or sid is required");
		}
		return new LogoutToken(subject, sessionId, jti, issuedAt.toInstant(), expiresAt.toInstant());
	}

	private static String stringClaim(JWTClaimsSet claims, String name) throws JwtVerificationException {
		Object value = claims.getClaim(name);
		if (value == null) {
			return null;
		}
		if (!(value instanceof String text) || text.isEmpty()) {
			throw new JwtVerificationException(Reason.INVALID_CLAIM, "\"" + name + "\" is not a string");
		}
		return text;
	}

	/**
	 * What a verified logout token says ended.
	 *
	 * @param subject the user's {@code sub}, or {@code null} when the token names only a
	 * session
	 * @param sessionId the ended session's {@code sid} (as in the ID token), or
	 * {@code null} when it names only the user: then every session of the user ends
	 * @param id the token's {@code jti}
	 * @param issuedAt when it was issued
	 * @param expiresAt when it expires
	 */
	public record LogoutToken(String subject, String sessionId, String id, Instant issuedAt, Instant expiresAt) {
	}

	/** Builds a {@link LogoutTokenVerifier}. Not thread-safe. */
	public static final class Builder {

		private String issuer;

		private String clientId;

		private URI jwksUri;

		private List<String> algorithms = JwtVerifier.DEFAULT_ALGORITHMS;

		private Duration clockSkew = JwtVerifier.DEFAULT_CLOCK_SKEW;

		private Duration connectTimeout = JwtVerifier.DEFAULT_CONNECT_TIMEOUT;

		private Duration readTimeout = JwtVerifier.DEFAULT_READ_TIMEOUT;

		private Clock clock = Clock.systemUTC();

		private Builder() {
		}

		/**
		 * The Lanyard issuer, compared exactly with {@code iss}; its JWKS is found by
		 * discovery unless {@link #jwksUri(URI)} names it. Required.
		 * @param issuer the issuer URL
		 * @return this builder
		 */
		public Builder issuer(String issuer) {
			this.issuer = issuer;
			return this;
		}

		/**
		 * This client's id, which {@code aud} must contain. Required.
		 * @param clientId the client id
		 * @return this builder
		 */
		public Builder clientId(String clientId) {
			this.clientId = clientId;
			return this;
		}

		/**
		 * The issuer's JWKS URL, when discovery is not to be used.
		 * @param jwksUri the URL
		 * @return this builder
		 */
		public Builder jwksUri(URI jwksUri) {
			this.jwksUri = jwksUri;
			return this;
		}

		/**
		 * The signature algorithms allowed; default RS256 and ES256.
		 * @param algorithms asymmetric JWS algorithm names
		 * @return this builder
		 */
		public Builder algorithms(List<String> algorithms) {
			this.algorithms = List.copyOf(algorithms);
			return this;
		}

		/**
		 * How far the issuer's clock and this one may differ; default 30 s, at most 60 s.
		 * @param clockSkew the skew
		 * @return this builder
		 */
		public Builder clockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
			return this;
		}

		/**
		 * The clock; for tests.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Builds the verifier.
		 * @return the verifier
		 * @throws IllegalArgumentException when a setting is missing or out of range
		 */
		public LogoutTokenVerifier build() {
			if (this.issuer == null || this.issuer.isBlank() || this.clientId == null || this.clientId.isBlank()) {
				throw new IllegalArgumentException("issuer and clientId are required");
			}
			try {
				IssuerJwkSetSource.httpUri(this.issuer);
				if (this.jwksUri != null) {
					IssuerJwkSetSource.httpUri(this.jwksUri.toString());
				}
			}
			catch (IOException ex) {
				throw new IllegalArgumentException("issuer and jwksUri must be absolute http(s) URLs", ex);
			}
			if (this.algorithms.isEmpty() || !SUPPORTED_ALGORITHMS.containsAll(this.algorithms)) {
				throw new IllegalArgumentException("algorithms must be asymmetric JWS algorithms from "
						+ new java.util.TreeSet<>(SUPPORTED_ALGORITHMS));
			}
			if (this.clockSkew == null || this.clockSkew.isNegative()
					|| this.clockSkew.compareTo(JwtVerifier.MAX_CLOCK_SKEW) > 0) {
				throw new IllegalArgumentException("clockSkew must be between 0 and 60 s");
			}
			Objects.requireNonNull(this.clock, "clock");
			IssuerJwkSetSource endpoint = new IssuerJwkSetSource(this.issuer, this.jwksUri, this.connectTimeout,
					this.readTimeout, JwtVerifier.DEFAULT_JWKS_SIZE_LIMIT, JwtVerifier.DEFAULT_JWKS_REFETCH_INTERVAL);
			JwksKeySelector keys = new JwksKeySelector(endpoint, this.clock, JwtVerifier.DEFAULT_JWKS_CACHE_TTL,
					JwtVerifier.DEFAULT_JWKS_REFRESH_AHEAD, JwtVerifier.DEFAULT_JWKS_REFETCH_INTERVAL,
					this.connectTimeout.plus(this.readTimeout).multipliedBy(2));
			return new LogoutTokenVerifier(this, keys);
		}

	}

}
