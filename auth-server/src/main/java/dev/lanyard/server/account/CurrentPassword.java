package dev.lanyard.server.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.login.LoginAttempt;
import dev.lanyard.server.login.LoginThrottle;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.LoginName;
import dev.lanyard.server.user.UserService;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * The signed-in person typing their current password again before a change that matters
 * (a new password, a second factor added or removed, an administrator's change in the
 * console). A stolen session must not turn into password guesses: each try takes a slot
 * of the login page's budget for the account from unknown devices (not a trusted device's
 * own: a copied session cookie may come with the device cookie) and for the address, and
 * a refusal is audited; nothing typed is not a guess and takes no slot. A person whose
 * account has no password (created at a sign-in through an upstream identity provider)
 * confirms by having signed in through it within the last
 * {@value #RECENT_SIGN_IN_MINUTES} minutes instead.
 */
@Component
public class CurrentPassword {

	/** How recent an upstream sign-in stands in for a password, in minutes. */
	public static final int RECENT_SIGN_IN_MINUTES = 5;

	/** How a confirmation went. */
	public enum Outcome {

		CONFIRMED,

		/** No password of their own, and the upstream sign-in is not recent. */
		SIGN_IN_AGAIN,

		/** The budget is spent: nothing was checked. */
		THROTTLED,

		WRONG

	}

	private final UserService users;

	private final LoginThrottle throttle;

	private final AuditLog audit;

	private final Clock clock;

	CurrentPassword(UserService users, LoginThrottle throttle, AuditLog audit, Clock clock) {
		this.clock = clock;
		this.users = users;
		this.throttle = throttle;
		this.audit = audit;
	}

	/**
	 * Checks the typed password.
	 * @return the message key of the problem to show, or {@code null} when confirmed
	 */
	public String problem(Authentication person, String typed, HttpServletRequest request) {
		return switch (check(person, typed, request)) {
			case THROTTLED -> "login.throttled";
			case SIGN_IN_AGAIN -> "account.sign-in-again";
			case WRONG -> "account.password-current-wrong";
			case CONFIRMED -> null;
		};
	}

	public Outcome check(Authentication person, String typed, HttpServletRequest request) {
		LanyardUser user = (LanyardUser) person.getPrincipal();
		if (!this.users.hasPassword(user.id())) {
			return recentUpstreamSignIn(person, this.clock.instant()) ? Outcome.CONFIRMED : Outcome.SIGN_IN_AGAIN;
		}
		if (typed == null || typed.isEmpty()) {
			return Outcome.WRONG;
		}
		LoginAttempt attempt = LoginAttempt.of(LoginName.canonical(user.loginName()), null, request.getRemoteAddr());
		if (!this.throttle.tryAcquire(attempt)) {
			// Once a minute at most: the person (or whoever holds the session) could post
			// on
			// and on, and the audit table is kept for as long as the operator sets (for
			// ever by
			// default).
			this.audit.recordRepeatable(user.getUsername(), "account.password_throttled", "user:" + user.id(),
					request.getRemoteAddr(), Map.of());
			return Outcome.THROTTLED;
		}
		if (!this.throttle.checking(attempt, () -> this.users.passwordMatches(user.id(), typed))) {
			this.audit.record(user.getUsername(), "account.password_refused", "user:" + user.id(),
					request.getRemoteAddr(), Map.of());
			return Outcome.WRONG;
		}
		this.throttle.release(attempt);
		return Outcome.CONFIRMED;
	}

	/**
	 * Whether the person signed in through an upstream identity provider within the last
	 * {@value #RECENT_SIGN_IN_MINUTES} minutes: what confirms a change for an account
	 * without a password of its own.
	 */
	public static boolean recentUpstreamSignIn(Authentication person, Instant now) {
		return person.getDetails() instanceof LoginDetails login && login.identityProvider() != null
				&& !login.authenticatedAt().isBefore(now.minus(Duration.ofMinutes(RECENT_SIGN_IN_MINUTES)));
	}

}
