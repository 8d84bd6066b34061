package dev.lanyard.server.account;

import java.util.Map;

import dev.lanyard.server.audit.AuditLog;
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
 * (a new password, a second factor added or removed). A stolen session must not turn into
 * password guesses: each try takes a slot of the login page's budget for the account and
 * the address, and a refusal is audited.
 */
@Component
public class CurrentPassword {

	/** How a confirmation went. */
	public enum Outcome {

		CONFIRMED,

		/** The budget is spent: nothing was checked. */
		THROTTLED,

		WRONG

	}

	private final UserService users;

	private final LoginThrottle throttle;

	private final AuditLog audit;

	CurrentPassword(UserService users, LoginThrottle throttle, AuditLog audit) {
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
			case WRONG -> "account.password-current-wrong";
			case CONFIRMED -> null;
		};
	}

	public Outcome check(Authentication person, String typed, HttpServletRequest request) {
		LanyardUser user = (LanyardUser) person.getPrincipal();
		LoginAttempt attempt = LoginAttempt.of(LoginName.canonical(user.loginName()), null, request.getRemoteAddr());
		if (!this.throttle.tryAcquire(attempt)) {
			this.audit.record(user.getUsername(), "account.password_throttled", "user:" + user.id(),
					request.getRemoteAddr(), Map.of());
			return Outcome.THROTTLED;
		}
		if (!this.users.passwordMatches(user.id(), typed)) {
			this.audit.record(user.getUsername(), "account.password_refused", "user:" + user.id(),
					request.getRemoteAddr(), Map.of());
			return Outcome.WRONG;
		}
		this.throttle.release(attempt);
		return Outcome.CONFIRMED;
	}

}
