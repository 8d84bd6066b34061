package dev.lanyard.server.token;

import java.time.Clock;
import java.time.Instant;

import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Generates authorization codes: 256 random bits, single use, short-lived (RFC 6749
 * §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED"; Lanyard
 * defaults to 2 minutes).
 */
public final class AuthorizationCodeGenerator implements OAuth2TokenGenerator<OAuth2AuthorizationCode> {

	private final Clock clock;

	public AuthorizationCodeGenerator(Clock clock) {
		this.clock = clock;
	}

	@Override
	public OAuth2AuthorizationCode generate(OAuth2TokenContext context) {
		if (context.getTokenType() == null || !OAuth2ParameterNames.CODE.equals(context.getTokenType().getValue())) {
			return null;
		}
		Instant issuedAt = this.clock.instant();
		Instant expiresAt = issuedAt
			.plus(context.getRegisteredClient().getTokenSettings().getAuthorizationCodeTimeToLive());
		return new OAuth2AuthorizationCode(OpaqueTokenValues.AUTHORIZATION_CODE.generate(), issuedAt, expiresAt);
	}

}
