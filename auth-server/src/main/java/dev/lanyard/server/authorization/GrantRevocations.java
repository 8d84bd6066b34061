package dev.lanyard.server.authorization;

/**
 * Ends grants: every token of the selected live grants stops working at once, on every
 * node and at every gateway (the revocation is recorded in the outbox in the same
 * transaction). What sign-out, the admin console, client and user changes and the
 * bootstrap import depend on, rather than on the storage behind it.
 */
public interface GrantRevocations {

	/**
	 * Revokes every live grant of a login session (RP-initiated logout).
	 * @return how many grants were revoked
	 */
	int revokeBySession(String sessionId, String reason);

	/**
	 * Revokes every live grant of a user or client principal.
	 * @return how many grants were revoked
	 */
	int revokeByPrincipal(String principalName, String reason);

	/**
	 * Revokes every live grant of a client.
	 * @return how many grants were revoked
	 */
	int revokeByClient(String registeredClientId, String reason);

	/**
	 * Revokes every live grant of a sign-in through an identity provider, of everyone or
	 * of one person (the provider disabled or deleted in an incident; an identity there
	 * unlinked): while the provider is off they are refused anyway, but they must not
	 * come back with it. Everyone's are found by reading the whole table (an incident's
	 * action), in one transaction; one person's by their index.
	 * @param principalName the person's, or {@code null} for everyone's
	 * @return how many grants were revoked
	 */
	int revokeByIdentityProvider(String providerId, String principalName, String reason);

	/**
	 * Revokes one grant if it is live.
	 * @return 1 if it was revoked, else 0
	 */
	int revokeById(String authorizationId, String reason);

}
