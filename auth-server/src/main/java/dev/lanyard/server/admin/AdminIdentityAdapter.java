package dev.lanyard.server.admin;

import java.util.UUID;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.AdminIdentity;
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

	AdminIdentityAdapter(UserService users) {
		this.users = users;
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
		if (authentication == null || !(authentication.getPrincipal() instanceof LanyardUser user)) {
			return false;
		}
		return this.users.passwordMatches(UUID.fromString(user.getUsername()), password);
	}

	private static String address() {
		if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
			HttpServletRequest request = attributes.getRequest();
			return request.getRemoteAddr();
		}
		return null;
	}

}
