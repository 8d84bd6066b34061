package dev.lanyard.server.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.lanyard.server.authorization.AuthorizationAttributes;

import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Generates opaque refresh tokens. Each one lives for the client's idle timeout, and
 * never past the grant's absolute lifetime (RFC 9700 §4.14.2: refresh tokens expire after
 * a period of inactivity and have a maximum lifetime). Public clients get refresh tokens
 * too, since they rotate on every use (RFC 9700 §4.14.2).
 */
final class RotatingRefreshTokenGenerator implements OAuth2TokenGenerator<OAuth2RefreshToken> {

	private final Clock clock;

	RotatingRefreshTokenGenerator(Clock clock) {
		this.clock = clock;
	}

	@Override
	public OAuth2RefreshToken generate(OAuth2TokenContext context) {
		if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())) {
			return null;
		}
		Instant now = this.clock.instant();
		Duration idle = context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive();
		Duration max = ClientTokenSettings.refreshTokenMaxLifetime(context.getRegisteredClient().getTokenSettings());
		Instant grantStartedAt = now;
		if (context.getAuthorization() != null) {
			Instant startedAt = context.getAuthorization().getAttribute(AuthorizationAttributes.GRANT_STARTED_AT);
			if (startedAt != null) {
				grantStartedAt = startedAt;
			}
		}
		Instant expiresAt = now.plus(idle);
		Instant absoluteEnd = grantStartedAt.plus(max);
		if (absoluteEnd.isBefore(expiresAt)) {
			expiresAt = absoluteEnd;
		}
		if (!expiresAt.isAfter(now)) {
			return null;
		}
		return new OAuth2RefreshToken(OpaqueTokenValues.REFRESH_TOKEN.generate(), now, expiresAt);
	}

}
