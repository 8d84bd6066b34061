package dev.lanyard.server.admin;

import java.time.Clock;
import java.util.UUID;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.server.account.CurrentPassword;
import dev.lanyard.server.login.LoginAttempt;
import dev.lanyard.server.login.LoginThrottle;
import dev.lanyard.server.login.TrustedDevices;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.LoginName;
import dev.lanyard.server.user.UserService;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who is administering: a signed-in user with role {@code admin} (console), or the client
 * (or user) behind an admin-scoped access token (API).
 */
@Component
class AdminIdentityAdapter implements AdminIdentity {

	private final UserService users;

	private final LoginThrottle throttle;

	private final TrustedDevices devices;

	private final Clock clock;

	AdminIdentityAdapter(UserService users, LoginThrottle throttle, TrustedDevices devices, Clock clock) {
		this.clock = clock;
		this.users = users;
		this.throttle = throttle;
		this.devices = devices;
	}

	@Override
	public Actor current() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		String address = address();
		if (authentication != null && authentication.getPrincipal() instanceof LanyardUser user) {
			return new Actor(user.id().toString(), user.loginName(), address);
		}
		if (authentication instanceof BearerTokenAuthentication bearer) {
			Object clientId = bearer.getTokenAttributes().get("client_id");
			return new Actor(bearer.getName(), (clientId != null) ? "api:" + clientId : "api", address);
		}
		throw new IllegalStateException("No administrator is signed in");
	}

	@Override
	public boolean confirmPassword(String password) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication != null && authentication.getPrincipal() instanceof LanyardUser signedIn
				&& !this.users.hasPassword(signedIn.id())) {
			// No password of their own: a recent sign-in through their provider confirms.
			return CurrentPassword.recentUpstreamSignIn(authentication, this.clock.instant());
		}
		if (authentication == null || !(authentication.getPrincipal() instanceof LanyardUser user) || password == null
				|| password.isEmpty()) {
			// Nothing typed is not a guess: it takes no slot.
			return false;
		}
		// The same bound as the login page: a slot per check, given back on success.
		HttpServletRequest request = request();
		String loginName = LoginName.canonical(user.loginName());
		LoginAttempt attempt = LoginAttempt.of(loginName,
				(request != null) ? this.devices.deviceOf(request, loginName) : null,
				(request != null) ? request.getRemoteAddr() : null);
		if (!this.throttle.tryAcquire(attempt)) {
			return false;
		}
		boolean matches = this.users.passwordMatches(UUID.fromString(user.getUsername()), password);
		if (matches) {
			this.throttle.release(attempt);
		}
		return matches;
	}

	private static String address() {
		HttpServletRequest request = request();
		return (request != null) ? request.getRemoteAddr() : null;
	}

	private static HttpServletRequest request() {
		return (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)
				? attributes.getRequest() : null;
	}

}
