package dev.lanyard.server.admin;

import java.io.IOException;
import java.util.UUID;
import java.util.function.Predicate;

import dev.lanyard.server.login.AuthenticationMethods;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * The admin API's refusal of an administrator's token that lacks the second factor the
 * console would ask for: RFC 9470 §3's {@code insufficient_user_authentication} (401),
 * with the {@code acr_values} a new authorization request must ask for, so that an admin
 * tool can sign its person in again with both factors. Any other refusal is the resource
 * server's own (403 {@code insufficient_scope}).
 */
final class ApiSecondFactorRequired implements AccessDeniedHandler {

	private final JdbcUserAccountRepository users;

	private final boolean secondFactorRequired;

	private final Predicate<UUID> personRequires;

	private final AccessDeniedHandler otherwise = new BearerTokenAccessDeniedHandler();

	ApiSecondFactorRequired(JdbcUserAccountRepository users, boolean secondFactorRequired,
			Predicate<UUID> personRequires) {
		this.users = users;
		this.secondFactorRequired = secondFactorRequired;
		this.personRequires = personRequires;
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
			throws IOException, ServletException {
		Authentication current = SecurityContextHolder.getContext().getAuthentication();
		// Only an administrator is told that a second factor would let them in; anyone
		// else is refused as before, whatever they signed in with.
		if (!(current instanceof BearerTokenAuthentication token) || !AdminAccess.isActiveAdminPerson(this.users, token)
				|| !AdminAccess.secondFactorMissing(token, this.secondFactorRequired, this.personRequires)) {
			this.otherwise.handle(request, response, denied);
			return;
		}
		String description = "Administering needs a sign-in with a second factor";
		response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE,
				"Bearer error=\"insufficient_user_authentication\", error_description=\"" + description
						+ "\", acr_values=\"" + AuthenticationMethods.MULTI_FACTOR + "\"");
		response.setContentType("application/json");
		response.setCharacterEncoding("UTF-8");
		response.getWriter()
			.write("{\"error\":\"insufficient_user_authentication\",\"error_description\":\"" + description + "\"}");
	}

}
