package dev.lanyard.server.protocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.user.ClaimsRequest;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.ScopedUserClaims;
import dev.lanyard.server.user.UserAccount;

import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.StandardClaimNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationContext;

/**
 * The claims {@code /userinfo} returns, read fresh from the user's account and limited to
 * the scopes of the access token ({@link ScopedUserClaims}) and the claims the
 * authorization request asked for by name ({@link ClaimsRequest}).
 */
final class UserInfoClaims implements Function<OidcUserInfoAuthenticationContext, OidcUserInfo> {

	private final JdbcUserAccountRepository users;

	private final RegisteredClientRepository clients;

	UserInfoClaims(JdbcUserAccountRepository users, RegisteredClientRepository clients) {
		this.users = users;
		this.clients = clients;
	}

	@Override
	public OidcUserInfo apply(OidcUserInfoAuthenticationContext context) {
		OAuth2Authorization authorization = context.getAuthorization();
		OAuth2AccessToken accessToken = context.getAccessToken();
		UserAccount user = parseId(authorization.getPrincipalName()).flatMap(this.users::findById)
			.filter(UserAccount::active)
			.orElseThrow(() -> new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_TOKEN));
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put(StandardClaimNames.SUB, user.id().toString());
		ClaimsRequest requested = ClaimsRequest.of(authorization);
		RegisteredClient client = this.clients.findById(authorization.getRegisteredClientId());
		// A scope taken from the client since releases nothing more.
		Set<String> scopes = LanyardRegisteredClientRepository.scopesStillHeld(client, accessToken.getScopes());
		Set<String> releasable = requested.userinfo().isEmpty() ? Set.of()
				: ClaimsRequest.releasableScopes(client, scopes, authorization);
		claims.putAll(ScopedUserClaims.of(user, scopes, requested.userinfo(), releasable));
		return new OidcUserInfo(claims);
	}

	private static Optional<UUID> parseId(String principalName) {
		try {
			return Optional.of(UUID.fromString(principalName));
		}
		catch (IllegalArgumentException ex) {
			// A client-credentials grant has no user.
			return Optional.empty();
		}
	}

}
