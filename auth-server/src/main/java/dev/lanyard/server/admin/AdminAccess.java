package dev.lanyard.server.admin;

import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.server.login.AuthenticationMethods;
import dev.lanyard.server.login.StepUp;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.UserAccount;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Who may administer, checked on every request against the current account (a role taken
 * away or an account disabled takes effect at once, not at the next sign-in):
 * <ul>
 * <li>console: a signed-in user who has the role {@code admin} now, signed in with a
 * second factor unless {@code lanyard.login.mfa-required-roles} leaves {@code admin} out
 * ({@link ConsoleSecondFactor} asks for it);</li>
 * <li>API: an access token with scope {@code admin}; when the token is a user's, that
 * user must have the role {@code admin} now, so a client granted the scope cannot lend it
 * to an ordinary user, and must have signed in with a second factor whenever the console
 * would ask for one (else a password alone, through any client allowed the scope, reached
 * everything the console guards with two factors); a token without it is answered with
 * RFC 9470's {@code insufficient_user_authentication} and the {@code acr_values} to ask
 * for ({@link #secondFactorMissing}).</li>
 * </ul>
 */
final class AdminAccess {

	static final String ROLE = AdminIdentity.ADMIN_ROLE;

	private AdminAccess() {
	}

	static AuthorizationManager<RequestAuthorizationContext> console(JdbcUserAccountRepository users,
			boolean secondFactorRequired, Predicate<UUID> personRequires) {
		return (Supplier<? extends Authentication> authentication, RequestAuthorizationContext request) -> {
			Authentication current = authentication.get();
			boolean granted = current != null && current.getPrincipal() instanceof LanyardUser user
					&& isActiveAdmin(users.findById(user.id()))
					&& (!secondFactorRequired && !personRequires.test(user.id()) || StepUp.multiFactor(current));
			return new AuthorizationDecision(granted);
		};
	}

	/** Whether the account has the administrator role now and may sign in. */
	static boolean isActiveAdmin(JdbcUserAccountRepository users, Authentication current) {
		return current != null && current.getPrincipal() instanceof LanyardUser user
				&& isActiveAdmin(users.findById(user.id()));
	}

	static AuthorizationManager<RequestAuthorizationContext> api(JdbcUserAccountRepository users,
			boolean secondFactorRequired, Predicate<UUID> personRequires) {
		return (Supplier<? extends Authentication> authentication, RequestAuthorizationContext request) -> {
			Authentication current = authentication.get();
			if (!(current instanceof BearerTokenAuthentication token) || token.getAuthorities()
				.stream()
				.noneMatch((authority) -> ("SCOPE_" + AdminIdentity.ADMIN_SCOPE).equals(authority.getAuthority()))) {
				return new AuthorizationDecision(false);
			}
			Optional<UUID> userId = userId(token.getName());
			if (userId.isEmpty()) {
				// A client's own token: no person, no second factor to ask of one.
				return new AuthorizationDecision(true);
			}
			return (AuthorizationResult) new AuthorizationDecision(isActiveAdmin(userId.flatMap(users::findById))
					&& !secondFactorMissing(token, secondFactorRequired, personRequires));
		};
	}

	/**
	 * Whether a person's token lacks the second factor the console would ask of them: the
	 * token's {@code amr} (the factors of the sign-in it was issued for) has no
	 * {@code mfa}.
	 */
	static boolean secondFactorMissing(BearerTokenAuthentication token, boolean secondFactorRequired,
			Predicate<UUID> personRequires) {
		Optional<UUID> userId = userId(token.getName());
		if (userId.isEmpty() || !secondFactorRequired && !personRequires.test(userId.get())) {
			return false;
		}
		return !(token.getTokenAttributes().get("amr") instanceof Collection<?> methods
				&& methods.contains(AuthenticationMethods.MULTIPLE_FACTORS));
	}

	/**
	 * Whether a token is a person's who has the administrator role now and may sign in.
	 */
	static boolean isActiveAdminPerson(JdbcUserAccountRepository users, BearerTokenAuthentication token) {
		return isActiveAdmin(userId(token.getName()).flatMap(users::findById));
	}

	private static boolean isActiveAdmin(Optional<UserAccount> account) {
		return account.filter((user) -> user.active() && user.roles().contains(ROLE)).isPresent();
	}

	private static Optional<UUID> userId(String principalName) {
		try {
			return Optional.of(UUID.fromString(principalName));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

}
