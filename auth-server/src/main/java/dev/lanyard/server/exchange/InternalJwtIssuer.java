package dev.lanyard.server.exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.lanyard.jwt.ClaimNames;
import dev.lanyard.server.login.AuthenticationMethods;
import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.user.UserAccount;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/**
 * Signs the internal JWT a token exchange hands out: RFC 9068 shape ({@code typ: at+jwt},
 * RS256), the user's session claims ({@link ClaimNames}), the exchanging client as the
 * actor (RFC 8693 §4.1), living at most the configured lifetime and never past the
 * subject token (TX-06). Thread-safe.
 */
final class InternalJwtIssuer {

	/** RFC 8693 §4.1: the acting party. */
	private static final String ACTOR = "act";

	private final JwtEncoder encoder;

	private final Duration lifetime;

	private final List<String> attributes;

	private final Clock clock;

	/**
	 * @param lifetime the longest a JWT lives
	 * @param attributes the user attributes copied into the JWT, when the user has them
	 */
	InternalJwtIssuer(JwtEncoder encoder, Duration lifetime, List<String> attributes, Clock clock) {
		this.encoder = encoder;
		this.lifetime = lifetime;
		this.attributes = List.copyOf(attributes);
		this.clock = clock;
	}

	/**
	 * What the JWT says: who, for whom, through whom.
	 *
	 * @param issuer this server's issuer identifier
	 * @param user the signed-in user the subject token was issued for
	 * @param login the login session it came from, if known
	 * @param authenticationMethods how the user signed in ({@code amr}), empty if unknown
	 * @param clientId the client the subject token was issued to
	 * @param actor the client exchanging it (the gateway)
	 * @param audience the one audience
	 * @param scopes the scopes, within the subject token's
	 * @param subjectExpiresAt when the subject token expires, if it does
	 * @param dpopThumbprint the DPoP key the subject token is bound to, if it is
	 */
	record Request(String issuer, UserAccount user, LoginDetails login, List<String> authenticationMethods,
			String clientId, String actor, String audience, Set<String> scopes, Instant subjectExpiresAt,
			String dpopThumbprint) {
	}

	ExchangedTokenCache.IssuedJwt issue(Request request) {
		Instant now = this.clock.instant();
		Instant expiresAt = now.plus(this.lifetime);
		if (request.subjectExpiresAt() != null && request.subjectExpiresAt().isBefore(expiresAt)) {
			expiresAt = request.subjectExpiresAt();
		}
		UserAccount user = request.user();
		JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
			.issuer(request.issuer())
			.subject(user.id().toString())
			.audience(List.of(request.audience()))
			.issuedAt(now)
			.notBefore(now)
			.expiresAt(expiresAt)
			.id(UUID.randomUUID().toString())
			.claim(ClaimNames.CLIENT_ID, request.clientId())
			.claim(ClaimNames.SCOPE, String.join(" ", request.scopes()))
			.claim(ClaimNames.PREFERRED_USERNAME, user.username())
			.claim(ClaimNames.ROLES, new ArrayList<>(user.roles()))
			.claim(ACTOR, Map.of(ClaimNames.SUBJECT, request.actor()));
		if (request.login() != null) {
			claims.claim(ClaimNames.SESSION_ID, request.login().sessionId());
			claims.claim(ClaimNames.AUTH_TIME, request.login().authenticatedAt().getEpochSecond());
			if (request.login().identityProvider() != null) {
				claims.claim(ClaimNames.IDENTITY_PROVIDER, request.login().identityProvider());
			}
		}
		if (!request.authenticationMethods().isEmpty()) {
			claims.claim(ClaimNames.AUTHENTICATION_METHODS, request.authenticationMethods());
			claims.claim(ClaimNames.AUTHENTICATION_CONTEXT,
					AuthenticationMethods.contextOf(request.authenticationMethods()));
		}
		for (String attribute : this.attributes) {
			String value = user.attributes().get(attribute);
			if (value != null) {
				claims.claim(attribute, value);
			}
		}
		if (request.dpopThumbprint() != null) {
			// RFC 9449 §6.1 / RFC 7800: the gateway checks each request's proof against
			// it,
			// and a service may too.
			claims.claim("cnf", Map.of("jkt", request.dpopThumbprint()));
		}
		JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).type(ClaimNames.ACCESS_TOKEN_TYPE).build();
		Jwt jwt = this.encoder.encode(JwtEncoderParameters.from(header, claims.build()));
		return new ExchangedTokenCache.IssuedJwt(jwt.getTokenValue(), (String) jwt.getHeaders().get("kid"), now,
				expiresAt, request.scopes());
	}

}
