package dev.lanyard.server.login;

import java.io.IOException;

import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.federation.UpstreamLogout;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.LogoutHandler;

/**
 * Ends a login session: revokes every token issued in it (so a stolen refresh token dies
 * with the session; RFC 9700 §4.14.2, OWASP ASVS 5.0 §7.4.1), then returns the user to
 * the client that asked for the logout, if its post-logout redirect URI was validated, or
 * to Lanyard's "signed out" page.
 */
final class LoginSessionLogoutHandler implements LogoutHandler {

	private static final String FINISHED = LoginSessionLogoutHandler.class.getName() + ".finished";

	private final GrantRevocations authorizations;

	private static final String UPSTREAM = LoginSessionLogoutHandler.class.getName() + ".upstream";

	private final SignInSessions signInSessions;

	private final UpstreamLogout upstreamLogout;

	LoginSessionLogoutHandler(GrantRevocations authorizations, SignInSessions signInSessions,
			UpstreamLogout upstreamLogout) {
		this.authorizations = authorizations;
		this.signInSessions = signInSessions;
		this.upstreamLogout = upstreamLogout;
	}

	@Override
	public void logout(HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
		if (authentication != null && authentication.getDetails() instanceof LoginDetails login) {
			// The sign-in ends first, then its grants: a request carrying this session's
			// cookie in between (a copied cookie, a prompt=none frame) is refused by the
			// session check, rather than starting a grant the revocation has passed.
			this.signInSessions.signedOut(login.sessionId());
			this.authorizations.revokeBySession(login.sessionId(), "logout");
		}
		HttpSession session = request.getSession(false);
		if (session != null && session.getAttribute(PendingLogout.SESSION_ATTRIBUTE) instanceof PendingLogout pending
				&& pending.answeredBy(request)) {
			// The confirmation of a client's logout request: on to that client. Any other
			// sign-out (the home page's) ends here, whatever request was left waiting.
			request.setAttribute(FINISHED, pending);
		}
		this.upstreamLogout.of(request).ifPresent((signedIn) -> request.setAttribute(UPSTREAM, signedIn));
	}

	/**
	 * Sends the person on: to the upstream identity provider they signed in with, when
	 * its sign-out should follow ({@link UpstreamLogout}), then to the client or the
	 * "signed out" page.
	 */
	void onLogoutSuccess(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
			throws IOException {
		PendingLogout pending = (request.getAttribute(FINISHED) instanceof PendingLogout finished) ? finished
				: new PendingLogout(null, null, null, null);
		String then = pending.finishLocation(request.getContextPath());
		String location = (request.getAttribute(UPSTREAM) instanceof UpstreamLogout.SignedIn signedIn)
				? this.upstreamLogout.continueAt(request, signedIn, then).orElse(then) : then;
		response.setStatus(HttpServletResponse.SC_SEE_OTHER);
		response.setHeader("Location", location);
	}

}
