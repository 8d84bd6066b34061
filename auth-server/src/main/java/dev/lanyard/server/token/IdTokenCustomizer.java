package dev.lanyard.server.token;

import java.time.Duration;
import java.time.Instant;

import dev.lanyard.server.login.LoginDetails;

import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Shapes ID tokens: Lanyard's lifetime (the framework fixes 30 minutes), and the login
 * session's {@code sid} and {@code auth_time} taken from the sign-in itself, so they are
 * the same whichever node issues the token (OpenID Connect Core §2; Front-Channel Logout
 * §3 for {@code sid}).
 */
final class IdTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

	private final Duration idTokenLifetime;

	IdTokenCustomizer(Duration idTokenLifetime) {
		this.idTokenLifetime = idTokenLifetime;
	}

	@Override
	public void customize(JwtEncodingContext context) {
		if (!OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
			return;
		}
		Instant issuedAt = context.getClaims().build().getIssuedAt();
		context.getClaims().expiresAt(issuedAt.plus(this.idTokenLifetime));
		if (context.getPrincipal().getDetails() instanceof LoginDetails login) {
			context.getClaims().claim("sid", login.sessionId());
			// OpenID Connect Core §2: a JSON number of seconds since the epoch.
			context.getClaims().claim("auth_time", login.authenticatedAt().getEpochSecond());
		}
	}

}
