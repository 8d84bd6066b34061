package dev.lanyard.server.token;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import dev.lanyard.jwt.ClaimNames;
import dev.lanyard.server.login.AuthenticationMethods;
import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.user.ClaimsRequest;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.ScopedUserClaims;
import dev.lanyard.server.user.UserAccount;

import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Shapes ID tokens: Lanyard's lifetime (the framework fixes 30 minutes), the login
 * session's {@code sid}, {@code auth_time}, {@code amr} and {@code acr} taken from the
 * sign-in itself ({@link AuthenticationMethods}), so they are the same whichever node
 * issues the token (OpenID Connect Core §2; Front-Channel Logout §3 for {@code sid}),
 * and, unless switched off, the user claims the granted scopes release and those the
 * authorization request asked for by name ({@link ScopedUserClaims},
 * {@link ClaimsRequest}; read fresh from the account): most relying-party libraries take
 * the user's name and address from the ID token and never call {@code /userinfo} (OpenID
 * Connect Core §5.4 allows either).
 */
final class IdTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

	private final Duration idTokenLifetime;

	private final Function<UUID, Optional<UserAccount>> users;

	/**
	 * @param idTokenLifetime how long an ID token is valid
	 * @param users the account of a user id; {@code null} to keep user claims out of ID
	 * tokens ({@code /userinfo} only)
	 */
	IdTokenCustomizer(Duration idTokenLifetime, Function<UUID, Optional<UserAccount>> users) {
		this.idTokenLifetime = idTokenLifetime;
		this.users = users;
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
			if (login.identityProvider() != null) {
				// The upstream identity provider the person signed in with.
				context.getClaims().claim(ClaimNames.IDENTITY_PROVIDER, login.identityProvider());
			}
		}
		List<String> methods = AuthenticationMethods.of(context.getPrincipal());
		if (!methods.isEmpty()) {
			context.getClaims().claim("amr", methods);
			context.getClaims()
				.claim("acr", AuthenticationMethods.contextOf(methods,
						ClaimsRequest.of(context.getAuthorization()).essentialAcr()));
		}
		if (this.users != null && context.getPrincipal().getPrincipal() instanceof LanyardUser user) {
			Set<String> releasable = ClaimsRequest.releasableScopes(context.getRegisteredClient(),
					context.getAuthorizedScopes(), context.getAuthorization());
			this.users.apply(user.id())
				.ifPresent((account) -> ScopedUserClaims
					.of(account, context.getAuthorizedScopes(), ClaimsRequest.of(context.getAuthorization()).idToken(),
							releasable)
					.forEach(context.getClaims()::claim));
		}
	}

}
