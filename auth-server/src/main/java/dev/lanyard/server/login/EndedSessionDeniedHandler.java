package dev.lanyard.server.login;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.csrf.CsrfException;

/**
 * A form posted from a page whose sign-in session has ended since (signed out elsewhere,
 * a password change, the account disabled, the idle timeout) carries a CSRF token that
 * went with the session: the person is sent to sign in again (303 to
 * {@code /login?expired}) rather than shown "forbidden". Any other refusal, a wrong token
 * in a live session above all, stays a 403.
 */
final class EndedSessionDeniedHandler implements AccessDeniedHandler {

	private final AccessDeniedHandler otherwise = new AccessDeniedHandlerImpl();

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
			throws IOException, ServletException {
		// The browser named a session that is not the one in use now: it ended before
		// this
		// request, or at its start (the session filter), and a new one took its place.
		if (denied instanceof CsrfException && request.getRequestedSessionId() != null
				&& !request.getRequestedSessionId().equals(currentSessionId(request))) {
			response.setStatus(HttpServletResponse.SC_SEE_OTHER);
			response.setHeader("Location", request.getContextPath() + "/login?expired");
			return;
		}
		this.otherwise.handle(request, response, denied);
	}

	private static String currentSessionId(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		return (session != null) ? session.getId() : null;
	}

}
