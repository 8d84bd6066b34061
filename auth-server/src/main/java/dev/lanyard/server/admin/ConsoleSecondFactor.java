package dev.lanyard.server.admin;

import java.io.IOException;
import java.util.UUID;
import java.util.function.Predicate;

import dev.lanyard.server.login.StepUp;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.LanyardUser;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;

/**
 * An administrator signed in with a password alone, at the console: asked for their
 * second factor and brought back to the page (a step-up), or, without one, sent to the
 * account page to set it up. Anyone else refused the console gets a 403.
 */
final class ConsoleSecondFactor implements AccessDeniedHandler {

	/** What the account page says when it was sent here. */
	static final String ACCOUNT_PAGE = "/account?second-factor-required#two-step";

	private final JdbcUserAccountRepository users;

	private final StepUp stepUp;

	private final AccessDeniedHandler refused = new AccessDeniedHandlerImpl();

	private final HttpSessionRequestCache requests = new HttpSessionRequestCache();

	private final boolean secondFactorRequired;

	private final Predicate<UUID> personRequires;

	ConsoleSecondFactor(JdbcUserAccountRepository users, StepUp stepUp, boolean secondFactorRequired,
			Predicate<UUID> personRequires) {
		this.users = users;
		this.stepUp = stepUp;
		this.secondFactorRequired = secondFactorRequired;
		this.personRequires = personRequires;
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
			throws IOException, ServletException {
		Authentication current = SecurityContextHolder.getContext().getAuthentication();
		// Only the second-factor rule is answered here; a missing CSRF token, or anyone
		// who is not an administrator, is refused.
		if (denied instanceof CsrfException || !AdminAccess.isActiveAdmin(this.users, current)
				|| StepUp.multiFactor(current) || !this.secondFactorRequired
						&& !this.personRequires.test(((LanyardUser) current.getPrincipal()).id())) {
			this.refused.handle(request, response, denied);
			return;
		}
		if (!this.stepUp.possible(current)) {
			response.setStatus(HttpServletResponse.SC_SEE_OTHER);
			response.setHeader("Location", request.getContextPath() + ACCOUNT_PAGE);
			return;
		}
		if ("GET".equals(request.getMethod())) {
			this.requests.saveRequest(request, response);
		}
		this.stepUp.begin(request, response, current);
	}

}
