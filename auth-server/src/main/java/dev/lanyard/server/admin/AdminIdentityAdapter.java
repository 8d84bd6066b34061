package dev.lanyard.server.admin;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.server.account.CurrentPassword;
import dev.lanyard.server.user.LanyardUser;
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

	private final CurrentPassword currentPassword;

	AdminIdentityAdapter(CurrentPassword currentPassword) {
		this.currentPassword = currentPassword;
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
		HttpServletRequest request = request();
		return authentication != null && authentication.getPrincipal() instanceof LanyardUser && request != null
				&& this.currentPassword.check(authentication, password, request) == CurrentPassword.Outcome.CONFIRMED;
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
