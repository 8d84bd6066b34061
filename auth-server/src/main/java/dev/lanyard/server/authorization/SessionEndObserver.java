package dev.lanyard.server.authorization;

import java.util.List;

/**
 * Told, inside the transaction that revokes them, which clients' grants of which login
 * sessions ended, so what must follow (a back-channel logout) is recorded with the
 * revocation or not at all.
 */
public interface SessionEndObserver {

	/**
	 * @param grants the revoked grants that belonged to a login session
	 * @param reason why they were revoked ({@code logout}, {@code admin},
	 * {@code user_disabled}, …)
	 */
	void sessionsEnded(List<EndedGrant> grants, String reason);

	/**
	 * A revoked grant of a login session.
	 *
	 * @param registeredClientId the client's internal id
	 * @param subject the user's {@code sub}
	 * @param sessionId the login session's id ({@code sid})
	 */
	record EndedGrant(String registeredClientId, String subject, String sessionId) {
	}

}
