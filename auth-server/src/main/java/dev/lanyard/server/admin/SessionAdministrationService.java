package dev.lanyard.server.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.session.GrantView;
import dev.lanyard.admin.session.SessionAdministration;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.authorization.ActiveGrant;
import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.authorization.JdbcActiveGrants;
import dev.lanyard.server.client.JdbcOAuthClientRepository;
import dev.lanyard.server.client.OAuthClient;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserAccount;

import org.springframework.stereotype.Service;

/**
 * The sessions port: active grants per user and per client, and revoking them at once
 * (gateways learn it from the revocation channel).
 */
@Service
class SessionAdministrationService implements SessionAdministration {

	private final JdbcActiveGrants grants;

	private final GrantRevocations authorizations;

	private final JdbcOAuthClientRepository clients;

	private final JdbcUserAccountRepository users;

	private final AuditLog audit;

	SessionAdministrationService(JdbcActiveGrants grants, GrantRevocations authorizations,
			JdbcOAuthClientRepository clients, JdbcUserAccountRepository users, AuditLog audit) {
		this.grants = grants;
		this.authorizations = authorizations;
		this.clients = clients;
		this.users = users;
		this.audit = audit;
	}

	@Override
	public List<GrantView> forUser(String userId) {
		return this.grants.forPrincipal(userId).stream().map(this::view).toList();
	}

	@Override
	public List<GrantView> forClient(String clientId, int limit) {
		return this.clients.findByClientId(clientId)
			.map((client) -> this.grants.forClient(client.id(), limit).stream().map(this::view).toList())
			.orElse(List.of());
	}

	@Override
	public long activeCount() {
		return this.grants.countActive();
	}

	@Override
	public void revoke(String grantId, Actor actor) {
		ActiveGrant grant = this.grants.find(grantId).orElseThrow(() -> new NotFoundException("Session"));
		this.authorizations.revokeById(grant.id(), "admin");
		this.audit.record(actor.id(), "session.revoked", "grant:" + grant.id(), actor.address(),
				Map.of("subject", grant.principalName()));
	}

	@Override
	public int revokeAllForUser(String userId, Actor actor) {
		int revoked = this.authorizations.revokeByPrincipal(userId, "admin");
		this.audit.record(actor.id(), "session.revoked_all", "user:" + userId, actor.address(),
				Map.of("count", revoked));
		return revoked;
	}

	@Override
	public int revokeAllForClient(String clientId, Actor actor) {
		OAuthClient client = this.clients.findByClientId(clientId).orElseThrow(() -> new NotFoundException("Client"));
		int revoked = this.authorizations.revokeByClient(client.id(), "admin");
		this.audit.record(actor.id(), "session.revoked_all", "client:" + clientId, actor.address(),
				Map.of("count", revoked));
		return revoked;
	}

	private GrantView view(ActiveGrant grant) {
		String clientId = this.clients.findById(grant.registeredClientId()).map(OAuthClient::clientId).orElse("?");
		String username = userId(grant.principalName()).flatMap(this.users::findById)
			.map(UserAccount::username)
			.orElse(null);
		return new GrantView(grant.id(), clientId, grant.principalName(), username, grant.grantType(), grant.scopes(),
				grant.createdAt(), grant.updatedAt(), grant.expiresAt());
	}

	private static Optional<UUID> userId(String principalName) {
		try {
			return Optional.of(UUID.fromString(principalName));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

}
