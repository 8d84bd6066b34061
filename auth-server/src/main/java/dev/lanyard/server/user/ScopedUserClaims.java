package dev.lanyard.server.user;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.StandardClaimNames;

/**
 * The claims about a user that the granted scopes release (OpenID Connect Core §5.4):
 * {@code profile} the username, when the account last changed and the profile claims the
 * account has, {@code email} the address and whether it is verified, {@code phone} the
 * number and whether it is verified, {@code address} the address as one JSON object
 * (§5.1.1). A client may also ask for single claims by name ({@link ClaimsRequest},
 * §5.5): those are released when their scope is one the client may be given. Only claims
 * the account has are released (§5.3.2: absent rather than empty); the two booleans go
 * with their claim. One rule for {@code /userinfo} and the ID token.
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
		return of(user, scopes, Set.of(), Set.of());
	}

	/**
	 * @param user the account, read fresh
	 * @param scopes the scopes granted to the client
	 * @param requested claims the client asked for by name
	 * @param releasable the scopes whose claims may be released on request
	 * @return the claims, without {@code sub}, in a stable order
	 */
	public static Map<String, Object> of(UserAccount user, Set<String> scopes, Set<String> requested,
			Set<String> releasable) {
		BiPredicate<String, String> released = (claim, scope) -> scopes.contains(scope)
				|| (requested.contains(claim) && releasable.contains(scope));
		Map<String, Object> claims = new LinkedHashMap<>();
		Map<String, Object> address = new LinkedHashMap<>();
		if (released.test(StandardClaimNames.PREFERRED_USERNAME, OidcScopes.PROFILE)) {
			claims.put(StandardClaimNames.PREFERRED_USERNAME, user.username());
		}
		for (StandardClaim claim : StandardClaim.values()) {
			String value = user.claims().get(claim.claimName());
			if (value == null || claim.bool()) {
				continue;
			}
			if (claim.addressPart()) {
				if (released.test(StandardClaim.ADDRESS, claim.scope())) {
					address.put(claim.memberName(), value);
				}
			}
			else if (released.test(claim.claimName(), claim.scope())) {
				claims.put(claim.claimName(), value);
			}
		}
		if (released.test(StandardClaimNames.UPDATED_AT, OidcScopes.PROFILE)) {
			claims.put(StandardClaimNames.UPDATED_AT, user.updatedAt().getEpochSecond());
		}
		if (user.email() != null && (released.test(StandardClaimNames.EMAIL, OidcScopes.EMAIL)
				|| released.test(StandardClaimNames.EMAIL_VERIFIED, OidcScopes.EMAIL))) {
			claims.put(StandardClaimNames.EMAIL, user.email());
			claims.put(StandardClaimNames.EMAIL_VERIFIED, verified(user, StandardClaim.EMAIL_VERIFIED));
		}
		if (claims.containsKey(StandardClaimNames.PHONE_NUMBER)) {
			claims.put(StandardClaimNames.PHONE_NUMBER_VERIFIED, verified(user, StandardClaim.PHONE_NUMBER_VERIFIED));
		}
		if (!address.isEmpty()) {
			claims.put(StandardClaim.ADDRESS, address);
		}
		return claims;
	}

	private static boolean verified(UserAccount user, StandardClaim claim) {
		return "true".equals(user.claims().get(claim.claimName()));
	}

}
