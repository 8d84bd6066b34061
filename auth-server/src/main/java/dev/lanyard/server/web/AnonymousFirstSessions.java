package dev.lanyard.server.web;

import java.io.IOException;

import dev.lanyard.server.login.PendingSignIn;
import jakarta.servlet.http.HttpSession;
import org.apache.catalina.Session;
import org.apache.catalina.session.StandardManager;

import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * This node's own login sessions (without Redis), bounded in number, where a new one
 * makes room once the bound is reached by ending an anonymous session: first one whose
 * browser never came back with its cookie (a request without a cookie makes one of
 * those), else the anonymous one used longest ago; never a signed-in session nor one
 * waiting for its second factor. Refusing every new session at the bound, as Tomcat does,
 * let anyone lock everyone else out of signing in: some two thousand requests without a
 * cookie, each making a session, every half hour (docs/SECURITY.md HD-01). Making room
 * looks at every session, only at the bound, and one new session at a time there (two at
 * once chose the same one to end, and the second was refused). Thread-safe.
 */
final class AnonymousFirstSessions extends StandardManager {

	/**
	 * The note on a session whose browser came back with its cookie (Tomcat's own "new"
	 * ends with the request that made it, whether the cookie ever comes back or not).
	 */
	private static final String RETURNED = AnonymousFirstSessions.class.getName() + ".RETURNED";

	private final Object room = new Object();

	/** A request came with the session's cookie: its browser keeps it. */
	@Override
	public Session findSession(String id) throws IOException {
		Session session = super.findSession(id);
		if (session != null) {
			session.setNote(RETURNED, Boolean.TRUE);
		}
		return session;
	}

	@Override
	public Session createSession(String sessionId) {
		if (getMaxActiveSessions() < 0) {
			return super.createSession(sessionId);
		}
		synchronized (this.room) {
			if (getActiveSessions() >= getMaxActiveSessions()) {
				makeRoom();
			}
			return super.createSession(sessionId);
		}
	}

	private void makeRoom() {
		Session neverReturned = null;
		Session usedLongestAgo = null;
		for (Session session : findSessions()) {
			Boolean returned = returnedIfEndable(session);
			if (returned == null) {
				continue;
			}
			if (!returned && (neverReturned == null || usedBefore(session, neverReturned))) {
				neverReturned = session;
			}
			if (usedLongestAgo == null || usedBefore(session, usedLongestAgo)) {
				usedLongestAgo = session;
			}
		}
		Session ended = (neverReturned != null) ? neverReturned : usedLongestAgo;
		if (ended != null) {
			ended.expire();
		}
	}

	private static boolean usedBefore(Session session, Session other) {
		return session.getThisAccessedTimeInternal() < other.getThisAccessedTimeInternal();
	}

	/**
	 * Whether the session's browser came back with its cookie, for a session that may be
	 * ended to make room; {@code null} for one that may not (signed in, waiting for a
	 * second factor, or ended meanwhile).
	 */
	private static Boolean returnedIfEndable(Session session) {
		try {
			if (!session.isValid()) {
				return null;
			}
			HttpSession http = session.getSession();
			if (http.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY) != null
					|| http.getAttribute(PendingSignIn.ATTRIBUTE) != null) {
				return null;
			}
			return session.getNote(RETURNED) != null;
		}
		catch (IllegalStateException ex) {
			// Ended meanwhile.
			return null;
		}
	}

}
