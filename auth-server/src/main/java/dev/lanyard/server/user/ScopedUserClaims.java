package dev.lanyard.server.user;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.StandardClaimNames;

/**
 * The claims about a user that the granted scopes release (OpenID Connect Core §5.4):
 * {@code profile} gives the username and when the account last changed, {@code email} the
 * address. One rule for {@code /userinfo} and the ID token.
 */
public final class ScopedUserClaims {

	private ScopedUserClaims() {
	}

	/**
	 * @param user the account, read fresh
	 * @param scopes the scopes granted to the client
	 * @return the claims, without {@code sub}, in a stable order
	 */
	public static Map<String, Object> of(UserAccount user, Set<String> scopes) {
		Map<String, Object> claims = new LinkedHashMap<>();
		if (scopes.contains(OidcScopes.PROFILE)) {
			claims.put(StandardClaimNames.PREFERRED_USERNAME, user.username());
			claims.put(StandardClaimNames.UPDATED_AT, user.updatedAt().getEpochSecond());
		}
		if (scopes.contains(OidcScopes.EMAIL) && user.email() != null) {
			claims.put(StandardClaimNames.EMAIL, user.email());
			// Lanyard does not verify addresses (yet): say so rather than leave it open.
			claims.put(StandardClaimNames.EMAIL_VERIFIED, false);
		}
		return claims;
	}

}
