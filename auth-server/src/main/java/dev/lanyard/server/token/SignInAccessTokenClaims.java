package dev.lanyard.server.token;

import java.util.List;

import dev.lanyard.jwt.ClaimNames;
import dev.lanyard.server.login.AuthenticationMethods;
import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.user.ClaimsRequest;

import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenClaimsContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * How the person signed in, on the claims of an access token issued for that sign-in, so
 * that introspection (RFC 7662 §2.2) answers them like the ID token and the exchanged
 * JWT: {@code auth_time}, {@code amr} (RFC 8176), {@code acr} and, after a sign-in at an
 * upstream identity provider, {@code idp}. A resource server that introspects can then
 * demand a second factor. A client's own token (client credentials) has none of them.
 */
final class SignInAccessTokenClaims implements OAuth2TokenCustomizer<OAuth2TokenClaimsContext> {

	@Override
	public void customize(OAuth2TokenClaimsContext context) {
		if (context.getPrincipal().getDetails() instanceof LoginDetails login) {
			context.getClaims().claim("auth_time", login.authenticatedAt().getEpochSecond());
			if (login.identityProvider() != null) {
				context.getClaims().claim(ClaimNames.IDENTITY_PROVIDER, login.identityProvider());
			}
		}
		List<String> methods = AuthenticationMethods.of(context.getPrincipal());
		if (!methods.isEmpty()) {
			context.getClaims().claim("amr", methods);
			context.getClaims()
				.claim("acr", AuthenticationMethods.contextOf(methods, (context.getAuthorization() != null)
						? ClaimsRequest.of(context.getAuthorization()).essentialAcr() : List.of()));
		}
	}

}
