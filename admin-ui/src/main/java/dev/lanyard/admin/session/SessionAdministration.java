package dev.lanyard.admin.session;

import java.util.List;

import dev.lanyard.admin.Actor;

/**
 * Port: the active grants (sessions) per user and per client, and revoking them. A
 * revocation is immediate: tokens stop working at once, and gateways are told through the
 * revocation channel. Implemented by the server.
 */
public interface SessionAdministration {

	/** Active grants of a user (by user id), newest first. */
	List<GrantView> forUser(String userId);

	/** Active grants at a client (by client id), newest first, at most {@code limit}. */
	List<GrantView> forClient(String clientId, int limit);

	/** How many grants are active now. */
	long activeCount();

	/** Revokes one grant. @throws dev.lanyard.admin.NotFoundException if unknown */
	void revoke(String grantId, Actor actor);

	/** Revokes every grant of a user; returns how many. */
	int revokeAllForUser(String userId, Actor actor);

	/** Revokes every grant at a client; returns how many. */
	int revokeAllForClient(String clientId, Actor actor);

}
