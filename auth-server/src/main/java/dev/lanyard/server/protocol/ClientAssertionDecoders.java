package dev.lanyard.server.protocol;

import java.net.URI;
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
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import dev.lanyard.server.client.ClientAssertionReplays;
import dev.lanyard.server.client.ClientKeys;
import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.token.TokenHash;
import dev.lanyard.server.storage.WarningInterval;
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

	private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
			JOSEObjectType.JWT, new JOSEObjectType("client-authentication+jwt"), null);

	private static final Logger logger = LoggerFactory.getLogger(ClientAssertionDecoders.class);

	private static final WarningInterval unreadableKeys = new WarningInterval(Duration.ofMinutes(1));

	private final ClientAssertionReplays replays;

	private final Clock clock;

	/** Decoders by client and the keys they were built for. */
	private final Cache<String, JwtDecoder> decoders = Caffeine.newBuilder()
		.maximumSize(10_000)
		.expireAfterAccess(Duration.ofHours(1))
		.build();

	private final ClientKeySources keySources;

	ClientAssertionDecoders(ClientKeySources keySources, ClientAssertionReplays replays, Clock clock) {
		this.keySources = keySources;
		this.replays = replays;
		this.clock = clock;
	}

	@Override
	public JwtDecoder createDecoder(RegisteredClient client) {
		String keys = ClientKeySources.keysOf(client);
		if (keys == null) {
			// A private_key_jwt client always has keys (ClientValidator).
			throw new IllegalStateException("A private_key_jwt client without keys");
		}
		return this.decoders.get(keys, (key) -> build(client));
	}

	private JwtDecoder build(RegisteredClient client) {
		JWKSource<SecurityContext> usable = this.keySources.of(client);
		String jwksUri = client.getClientSettings().getJwkSetUrl();
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
				if (causedByKeySource(ex) && unreadableKeys.due()) {
					// At most one a minute: anyone can send assertions with made-up key
					// ids, each a refetch (refused by the rate limit, a key-source
					// failure too).
					logger.warn("Could not read the keys of client {} at {}: {} (one warning a minute at most)",
							clientId, jwksUri, ex.getMessage());
				}
				else if (causedByKeySource(ex)) {
					logger.debug("Could not read the keys of client {}: {}", clientId, ex.getMessage());
				}
				else {
					logger.debug("Client assertion of {} refused: {}", clientId, ex.getMessage());
				}
				throw ex;
			}
		};
		return logged;
	}

	private static boolean causedByKeySource(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof KeySourceException) {
				return true;
			}
		}
		return false;
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
			else if (assertion.hasClaim("response_type") || assertion.hasClaim("redirect_uri")) {
				// A request object (RFC 9101) is signed with the same keys and travels
				// through the browser: never a client's credentials.
				problem = "is a request object";
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
