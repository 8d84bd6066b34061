package dev.lanyard.server.authorization;

import java.time.Instant;
import java.util.List;

/**
 * Told, inside the transaction that revokes them, which clients' grants of which login
 * sessions ended, so what must follow (a back-channel logout) is recorded with the
 * revocation or not at all.
 */
public interface SessionEndObserver {

	/** Whether revocations for this reason end sessions this observer cares about. */
	boolean endsSessions(String reason);

	/**
	 * @param grants the grants of the login sessions the revocation reached, live or not
	 * (a client's session with the person outlives its tokens)
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
	 * @param lastGrantAt when the client's newest grant of that session was stored, by
	 * the database's clock
	 */
	record EndedGrant(String registeredClientId, String subject, String sessionId, Instant lastGrantAt) {
	}

}
