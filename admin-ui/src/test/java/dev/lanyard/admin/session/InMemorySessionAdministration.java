package dev.lanyard.admin.session;

import java.util.ArrayList;
import java.util.List;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.TestDouble;

/**
 * A {@link SessionAdministration} in memory: after a reset, bob ({@code id-bob}) holds a
 * grant at {@code web-app} and the client {@code service} one of its own. Records every
 * revocation.
 */
public class InMemorySessionAdministration implements SessionAdministration, TestDouble {

	private final List<GrantView> grants = new ArrayList<>();

	private final List<Integer> clientLimits = new ArrayList<>();

	private final List<String> revoked = new ArrayList<>();

	private final List<String> revokedForUser = new ArrayList<>();

	private final List<String> revokedForClient = new ArrayList<>();

	private final List<Actor> actors = new ArrayList<>();

	private long activeCount;

	@Override
	public void reset() {
		this.grants.clear();
		this.grants.add(TestGrantViews.userGrant("grant-bob-web", "web-app", "id-bob", "bob").build());
		this.grants.add(TestGrantViews.clientGrant("grant-service", "service").build());
		this.activeCount = 2;
		this.clientLimits.clear();
		this.revoked.clear();
		this.revokedForUser.clear();
		this.revokedForClient.clear();
		this.actors.clear();
	}

	@Override
	public boolean untouched() {
		return this.revoked.isEmpty() && this.revokedForUser.isEmpty() && this.revokedForClient.isEmpty();
	}

	public void add(GrantView grant) {
		this.grants.add(grant);
	}

	public void activeCount(long activeCount) {
		this.activeCount = activeCount;
	}

	@Override
	public List<GrantView> forUser(String userId) {
		return this.grants.stream().filter((grant) -> grant.subject().equals(userId)).toList();
	}

	@Override
	public List<GrantView> forClient(String clientId, int limit) {
		this.clientLimits.add(limit);
		return this.grants.stream().filter((grant) -> grant.clientId().equals(clientId)).limit(limit).toList();
	}

	@Override
	public long activeCount() {
		return this.activeCount;
	}

	@Override
	public void revoke(String grantId, Actor actor) {
		if (this.grants.stream().noneMatch((grant) -> grant.id().equals(grantId))) {
			throw new NotFoundException("Grant");
		}
		this.revoked.add(grantId);
		this.actors.add(actor);
	}

	@Override
	public int revokeAllForUser(String userId, Actor actor) {
		this.revokedForUser.add(userId);
		this.actors.add(actor);
		return forUser(userId).size();
	}

	@Override
	public int revokeAllForClient(String clientId, Actor actor) {
		this.revokedForClient.add(clientId);
		this.actors.add(actor);
		return (int) this.grants.stream().filter((grant) -> grant.clientId().equals(clientId)).count();
	}

	/** The limits the console asked for when listing a client's grants. */
	public List<Integer> clientLimits() {
		return List.copyOf(this.clientLimits);
	}

	public List<String> revoked() {
		return List.copyOf(this.revoked);
	}

	public List<String> revokedForUser() {
		return List.copyOf(this.revokedForUser);
	}

	public List<String> revokedForClient() {
		return List.copyOf(this.revokedForClient);
	}

	/** Who asked for each revocation, in order. */
	public List<Actor> actors() {
		return List.copyOf(this.actors);
	}

}
