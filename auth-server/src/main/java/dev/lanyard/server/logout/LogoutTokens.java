package dev.lanyard.server.logout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.jwt.LogoutTokenVerifier;
import dev.lanyard.server.LanyardProperties;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.stereotype.Component;

/**
 * Signs logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.4) with Lanyard's active
 * signing key, the one ID tokens are signed with; {@code typ} and the event name are the
 * ones the client library's {@link LogoutTokenVerifier} checks. Thread-safe.
 */
@Component
public class LogoutTokens {

	/** How long a logout token is valid: long enough to arrive, short against replay. */
	static final Duration LIFETIME = Duration.ofMinutes(2);

	private final JwtEncoder encoder;

	private final LanyardProperties properties;

	private final Clock clock;

	public LogoutTokens(JwtEncoder encoder, LanyardProperties properties, Clock clock) {
		this.encoder = encoder;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * A logout token for one client and session: {@code iss}, {@code aud} (the client
	 * id), {@code iat}, {@code exp}, {@code jti}, {@code events}, {@code sub} and
	 * {@code sid}; never {@code nonce} (§2.4).
	 */
	String issue(String clientId, String subject, String sessionId) {
		Instant now = this.clock.instant();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer(this.properties.issuerString())
			.audience(List.of(clientId))
			.issuedAt(now)
			.expiresAt(now.plus(LIFETIME))
			.id(UUID.randomUUID().toString())
			.subject(subject)
			.claim("sid", sessionId)
			.claim("events", Map.of(LogoutTokenVerifier.EVENT, Map.of()))
			.build();
		JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).type(LogoutTokenVerifier.TYPE).build();
		return this.encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
	}

}
