package dev.lanyard.server.protocol;

import java.util.List;

import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;

/**
 * A session registry that remembers nothing. The framework would otherwise keep every
 * OpenID Connect login session in an in-memory registry that nothing empties (Spring
 * Session publishes no session-destroyed events to it), and that other nodes cannot see.
 * Lanyard identifies login sessions itself: the {@code sid} and {@code auth_time} of ID
 * tokens come from the sign-in ({@code LoginDetails}), and logout revokes by that
 * {@code sid} in PostgreSQL.
 */
final class StatelessSessionRegistry implements SessionRegistry {

	@Override
	public List<Object> getAllPrincipals() {
		return List.of();
	}

	@Override
	public List<SessionInformation> getAllSessions(Object principal, boolean includeExpiredSessions) {
		return List.of();
	}

	@Override
	public SessionInformation getSessionInformation(String sessionId) {
		return null;
	}

	@Override
	public void refreshLastRequest(String sessionId) {
	}

	@Override
	public void registerNewSession(String sessionId, Object principal) {
	}

	@Override
	public void removeSessionInformation(String sessionId) {
	}

}
