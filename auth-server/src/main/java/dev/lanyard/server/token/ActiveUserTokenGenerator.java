package dev.lanyard.server.token;

import java.util.Optional;

import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.login.StepUp;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.LanyardUser;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Refuses to renew a grant that could not be given now: for a user who may no longer sign
 * in, or with a scope or a grant type its client may no longer use. Disabling or locking
 * an account revokes its grants, but a grant can outlive that (an account disabled in the
 * database by hand, a revocation lost to an outage); a refresh is where a grant would be
 * renewed, so the account is checked there (RFC 6749 §6: the server validates the refresh
 * token's grant). Likewise a scope taken from a client (say {@code admin} or
 * {@code email}): the framework holds a refresh to the grant's own scopes only, so its
 * grants went on issuing the scope for as long as their refresh tokens lived (30 days by
 * default).
 */
final class ActiveUserTokenGenerator implements OAuth2TokenGenerator<OAuth2Token> {

	private final OAuth2TokenGenerator<? extends OAuth2Token> delegate;

	private final JdbcUserAccountRepository users;

	private final SecondFactors secondFactors;

	ActiveUserTokenGenerator(OAuth2TokenGenerator<? extends OAuth2Token> delegate, JdbcUserAccountRepository users,
			SecondFactors secondFactors) {
		this.delegate = delegate;
		this.users = users;
		this.secondFactors = secondFactors;
	}

	@Override
	public OAuth2Token generate(OAuth2TokenContext context) {
		Authentication principal = context.getPrincipal();
		// The access token is generated first in a redemption or a refresh: checking
		// there checks once.
		if ((AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())
				|| AuthorizationGrantType.DEVICE_CODE.equals(context.getAuthorizationGrantType())
				|| AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType()))
				&& OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType()) && principal != null
				&& principal.getPrincipal() instanceof LanyardUser user && !standing(principal, user, context)) {
			throw new OAuth2AuthenticationException(
					new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, "The user can no longer sign in", null));
		}
		// Two factors required (by the client or for the person) since a grant of one
		// began: the grant ends; the person signs in again, with two.
		if ((AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())
				|| AuthorizationGrantType.DEVICE_CODE.equals(context.getAuthorizationGrantType()))
				&& OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType()) && principal != null
				&& principal.getPrincipal() instanceof LanyardUser user
				&& (LanyardRegisteredClientRepository.requireMfa(context.getRegisteredClient())
						|| this.secondFactors.requiredFor(user.id()))
				&& !StepUp.multiFactor(principal)) {
			throw new OAuth2AuthenticationException(
					new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT, "A sign-in with two factors is required", null));
		}
		// A grant type the client may no longer use (device_code taken away: requests it
		// made before could still be approved and redeemed, and refreshed for 30 days):
		// the grant ends. The framework checks the grant type of the request (refresh
		// token, for a refresh), not the one the grant began with, and not at all for a
		// device's redemption.
		if ((AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())
				|| AuthorizationGrantType.DEVICE_CODE.equals(context.getAuthorizationGrantType()))
				&& OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType()) && context.getAuthorization() != null
				&& !context.getRegisteredClient()
					.getAuthorizationGrantTypes()
					.contains(context.getAuthorization().getAuthorizationGrantType())) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
					"The client may no longer use the grant type this grant began with", null));
		}
		// A scope the client may no longer obtain: the grant ends; the client asks again.
		if ((AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType())
				|| AuthorizationGrantType.DEVICE_CODE.equals(context.getAuthorizationGrantType()))
				&& OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())
				&& !context.getRegisteredClient().getScopes().containsAll(context.getAuthorizedScopes())) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
					"The client may no longer obtain a scope of this grant", null));
		}
		return this.delegate.generate(context);
	}

	/**
	 * Whether the person's grant may go on: the account may sign in, the sign-in session
	 * the grant began in was not ended (signed out, or ended from the account page), and
	 * the identity provider it came through, if any, is still enabled and linked. A code
	 * is redeemed within minutes of the sign-in it was issued in, which must also not
	 * have been ended since by an end of every sign-in (a password change, "sign out
	 * everywhere"). Each of these ends revokes the session's grants too, but a grant
	 * being issued in that moment (its row written after the revocation's statement read
	 * the table) escaped it: its code was redeemed, and its refresh token lived on. A
	 * refresh does not hold the grant to the end of every sign-in: the session that asked
	 * for it goes on past it, with the grants it had.
	 */
	private boolean standing(Authentication principal, LanyardUser user, OAuth2TokenContext context) {
		LoginDetails login = (principal.getDetails() instanceof LoginDetails details) ? details : null;
		Optional<JdbcUserAccountRepository.Standing> standing = this.users.grantStanding(user.id(),
				(login != null) ? login.sessionId() : null, (login != null) ? login.identityProvider() : null);
		if (standing.isEmpty() || !standing.get().active() || standing.get().sessionEnded()
				|| !standing.get().upstreamOpen()) {
			return false;
		}
		return !AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType())
				|| standing.get().allows(user, (login != null) ? login.standingFrom() : null);
	}

}
