package dev.lanyard.server.web;

import org.apache.catalina.Session;
import org.apache.catalina.session.StandardManager;

import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * This node's own login sessions (without Redis), bounded in number, where a new one
 * makes room by ending the anonymous session used longest ago (a login page shown, an
 * authorization request kept for after the sign-in) once the bound is reached: a
 * signed-in session is never ended for it. Refusing every new session at the bound, as
 * Tomcat does, let anyone lock everyone else out of signing in: some two thousand
 * requests without a cookie, each making a session, every half hour (docs/SECURITY.md
 * HD-01). Making room needs a look at every session, only when the bound is reached.
 * Thread-safe.
 */
final class AnonymousFirstSessions extends StandardManager {

	@Override
	public Session createSession(String sessionId) {
		int bound = getMaxActiveSessions();
		if (bound >= 0 && getActiveSessions() >= bound) {
			endAnonymousUsedLongestAgo();
		}
		return super.createSession(sessionId);
	}

	private void endAnonymousUsedLongestAgo() {
		Session oldest = null;
		for (Session session : findSessions()) {
			if (anonymous(session) && (oldest == null
					|| session.getThisAccessedTimeInternal() < oldest.getThisAccessedTimeInternal())) {
				oldest = session;
			}
		}
		if (oldest != null) {
			oldest.expire();
		}
	}

	private static boolean anonymous(Session session) {
		try {
			return session.isValid() && session.getSession()
				.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY) == null;
		}
		catch (IllegalStateException ex) {
			// Ended meanwhile.
			return false;
		}
	}

}
