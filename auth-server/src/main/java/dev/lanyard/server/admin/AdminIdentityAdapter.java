package dev.lanyard.server.admin;

import java.util.UUID;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.server.login.LoginThrottle;
import dev.lanyard.server.user.LanyardUser;
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

	AdminIdentityAdapter(UserService users, LoginThrottle throttle) {
		this.users = users;
		this.throttle = throttle;
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
		if (authentication == null || !(authentication.getPrincipal() instanceof LanyardUser user)
				|| password == null || password.isEmpty()) {
			// Nothing typed is not a guess: it takes no slot.
			return false;
		}
		// The same bound as the login page: a slot per check, given back on success.
		String account = LoginThrottle.accountKey(user.loginName());
		String address = address();
		if (!this.throttle.tryAcquire(account, address)) {
			return false;
		}
		boolean matches = this.users.passwordMatches(UUID.fromString(user.getUsername()), password);
		if (matches) {
			this.throttle.release(account, address);
		}
		return matches;
	}

	private static String address() {
		if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
			HttpServletRequest request = attributes.getRequest();
			return request.getRemoteAddr();
		}
		return null;
	}

}
