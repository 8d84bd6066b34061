package dev.lanyard.server.protocol;

import java.io.Closeable;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.lanyard.server.client.ClientAssertionReplays;
import dev.lanyard.server.client.ClientKeys;
import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.token.TokenHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;

/**
 * Checks {@code private_key_jwt} client assertions (RFC 7523 §3, OpenID Connect Core §9)
 * for the framework's {@code JwtClientAssertionAuthenticationProvider}, in place of its
 * own decoder factory, which knows keys by URL only, keeps a client's decoder after its
 * keys changed, accepts any lifetime and never notices a replay. Here:
 * <ul>
 * <li>keys: the JWK Set the client registered inline, or the one at its {@code jwks_uri}
 * (nimbus's cache and rate limit, short timeouts, no redirects); a decoder is dropped as
 * soon as the registration names other keys;</li>
 * <li>signature: the algorithms of {@link ClientKeys#SIGNING_ALGORITHMS}, never
 * {@code none} or a MAC; {@code typ}, if present, {@code JWT} or
 * {@code client-authentication+jwt} — never one of Lanyard's own token types;</li>
 * <li>claims: {@code iss} and {@code sub} the client id; {@code aud} the issuer alone
 * (RFC 7523 §3 lets it identify the server; accepting the token endpoint or a list of
 * audiences would let a hostile server that a client also trusts replay here an assertion
 * it received — the audience-injection attack, which draft-ietf-oauth-rfc7523bis closes
 * this way); {@code exp} required and at most {@link #MAXIMUM_LIFETIME} ahead;
 * {@code nbf} not in the future; {@code jti} required;</li>
 * <li>replay: a {@code jti} is good once per client across every node
 * ({@link ClientAssertionReplays}), recorded only once everything else held.</li>
 * </ul>
 * Thread-safe.
 */
final class ClientAssertionDecoders implements JwtDecoderFactory<RegisteredClient> {

	/** How far ahead a client assertion's {@code exp} may be. */
	static final Duration MAXIMUM_LIFETIME = Duration.ofMinutes(5);

	/** How far apart the client's clock and Lanyard's may be. */
	static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

	private static final int MAXIMUM_JTI_LENGTH = 200;

	private static final int JWKS_TIMEOUT_MILLIS = 2_000;

	private static final int JWKS_SIZE_LIMIT = 64 * 1024;

	private static final long JWKS_REFRESH_WAIT_MILLIS = 3_000;

	private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
			JOSEObjectType.JWT, new JOSEObjectType("client-authentication+jwt"), null);

	private static final Logger logger = LoggerFactory.getLogger(ClientAssertionDecoders.class);

	private final ClientAssertionReplays replays;

	private final Clock clock;

	/**
	 * Decoders by client and the keys they were built for; a key source that fetches is
	 * closed (its refresh thread stopped) when its decoder goes.
	 */
	private final Cache<String, Decoder> decoders = Caffeine.newBuilder()
		.maximumSize(10_000)
		.expireAfterAccess(Duration.ofHours(1))
		.<String, Decoder>removalListener((key, decoder, cause) -> {
			if (decoder != null && decoder.keys() instanceof Closeable closeable) {
				try {
					closeable.close();
				}
				catch (IOException ex) {
					logger.debug("Could not close a client's key source: {}", ex.getMessage());
				}
			}
		})
		.build();

	ClientAssertionDecoders(ClientAssertionReplays replays, Clock clock) {
		this.replays = replays;
		this.clock = clock;
	}

	@Override
	public JwtDecoder createDecoder(RegisteredClient client) {
		String jwks = LanyardRegisteredClientRepository.jwks(client);
		String jwksUri = client.getClientSettings().getJwkSetUrl();
		String keys = (jwks != null) ? "jwks:" + TokenHash.of(jwks) : "jwks_uri:" + jwksUri;
		return this.decoders.get(client.getId() + "\n" + keys, (key) -> build(client, jwks, jwksUri)).decoder();
	}

	private Decoder build(RegisteredClient client, String jwks, String jwksUri) {
		JWKSource<SecurityContext> source = keySource(jwks, jwksUri);
		// Fetched keys meet the registration rules too (RSA of 2048 bits and more, the
		// listed curves, public keys only): a JCA verifier would take a weak key.
		JWKSource<SecurityContext> usable = (selector,
				context) -> source.get(selector, context).stream().filter(ClientKeys::usable).toList();
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(usable)
			.jwsAlgorithms((algorithms) -> ClientKeys.SIGNING_ALGORITHM_NAMES
				.forEach((name) -> algorithms.add(SignatureAlgorithm.from(name))))
			.jwtProcessorCustomizer((processor) -> processor.setJWSTypeVerifier(TYPES))
			.build();
		decoder.setJwtValidator(new AssertionRules(client.getClientId()));
		String clientId = client.getClientId();
		JwtDecoder logged = (assertion) -> {
			try {
				return decoder.decode(assertion);
			}
			catch (JwtException ex) {
				// The framework answers invalid_client and keeps the reason to itself; an
				// operator finds it here (never the assertion). The client's keys
				// unreadable is the operator's business: WARN.
				if (causedByKeySource(ex)) {
					logger.warn("Could not read the keys of client {} at {}: {}", clientId, jwksUri, ex.getMessage());
				}
				else {
					logger.debug("Client assertion of {} refused: {}", clientId, ex.getMessage());
				}
				throw ex;
			}
		};
		return new Decoder(logged, source);
	}

	private static boolean causedByKeySource(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof KeySourceException) {
				return true;
			}
		}
		return false;
	}

	private static JWKSource<SecurityContext> keySource(String jwks, String jwksUri) {
		if (jwks != null) {
			return new ImmutableJWKSet<>(ClientKeys.parse(jwks));
		}
		if (jwksUri == null) {
			// A private_key_jwt client always has one or the other (ClientValidator).
			throw new IllegalStateException("A private_key_jwt client without keys");
		}
		DefaultResourceRetriever retriever = new DefaultResourceRetriever(JWKS_TIMEOUT_MILLIS, JWKS_TIMEOUT_MILLIS,
				JWKS_SIZE_LIMIT) {
			@Override
			protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
				HttpURLConnection connection = super.openHTTPConnection(url);
				// The registered URL, not wherever it points to.
				connection.setInstanceFollowRedirects(false);
				return connection;
			}
		};
		retriever.setHeaders(Map.of("Accept", List.of("application/jwk-set+json, application/json")));
		try {
			// Requests for this client wait at most that long for a fetch under way.
			return JWKSourceBuilder.create(URI.create(jwksUri).toURL(), retriever)
				.cache(JWKSourceBuilder.DEFAULT_CACHE_TIME_TO_LIVE, JWKS_REFRESH_WAIT_MILLIS)
				.build();
		}
		catch (MalformedURLException ex) {
			throw new IllegalStateException("A registered jwks_uri is not a URL", ex);
		}
	}

	/** A client's decoder and the key source it reads. */
	private record Decoder(JwtDecoder decoder, JWKSource<SecurityContext> keys) {
	}

	/** The claims rules of a client assertion; the replay check last. */
	private final class AssertionRules implements OAuth2TokenValidator<Jwt> {

		private final String clientId;

		AssertionRules(String clientId) {
			this.clientId = clientId;
		}

		@Override
		public OAuth2TokenValidatorResult validate(Jwt assertion) {
			Instant now = ClientAssertionDecoders.this.clock.instant();
			Instant expiresAt = assertion.getExpiresAt();
			String jti = assertion.getId();
			String problem = null;
			if (!this.clientId.equals(assertion.getClaimAsString("iss"))
					|| !this.clientId.equals(assertion.getSubject())) {
				problem = "iss and sub must be the client id";
			}
			else if (assertion.getAudience() == null || !assertion.getAudience()
				.equals(List.of(AuthorizationServerContextHolder.getContext().getIssuer()))) {
				problem = "aud must be the issuer, alone";
			}
			else if (expiresAt == null || expiresAt.isBefore(now.minus(CLOCK_SKEW))) {
				problem = "expired";
			}
			else if (expiresAt.isAfter(now.plus(MAXIMUM_LIFETIME).plus(CLOCK_SKEW))) {
				problem = "exp is too far ahead";
			}
			// Not iat: when an assertion has none (it is optional), Spring's claim
			// conversion fills in exp minus one second.
			else if (inFuture(assertion.getNotBefore(), now)) {
				problem = "not valid yet";
			}
			else if (jti == null || jti.isEmpty() || jti.length() > MAXIMUM_JTI_LENGTH
					|| jti.chars().anyMatch(Character::isISOControl)) {
				problem = "jti is required (200 characters at most, no control characters)";
			}
			else if (!ClientAssertionDecoders.this.replays.firstUse(this.clientId, jti, expiresAt.plus(CLOCK_SKEW))) {
				problem = "already used";
			}
			return (problem != null)
					? OAuth2TokenValidatorResult
						.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "Client assertion " + problem, null))
					: OAuth2TokenValidatorResult.success();
		}

		private static boolean inFuture(Instant time, Instant now) {
			return time != null && time.isAfter(now.plus(CLOCK_SKEW));
		}

	}

}
