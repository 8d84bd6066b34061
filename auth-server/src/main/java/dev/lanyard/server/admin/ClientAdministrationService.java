package dev.lanyard.server.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.Page;
import dev.lanyard.admin.client.ClientAdministration;
import dev.lanyard.admin.client.ClientDraft;
import dev.lanyard.admin.client.ClientView;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.client.OAuthClient;

import org.springframework.stereotype.Service;

/**
 * The clients port, for console and API alike: the client rules are
 * {@link ClientService}'s; this records each change in the audit log and shows clients in
 * the console's terms.
 */
@Service
class ClientAdministrationService implements ClientAdministration {

	private final ClientService clients;

	private final AuditLog audit;

	ClientAdministrationService(ClientService clients, AuditLog audit) {
		this.clients = clients;
		this.audit = audit;
	}

	@Override
	public Page<ClientView> search(String query, int page, int size) {
		List<ClientView> items = this.clients.search(query, size, (long) page * size)
			.stream()
			.map(ClientAdministrationService::view)
			.toList();
		return new Page<>(items, page, size, this.clients.countMatching(query));
	}

	@Override
	public ClientView get(String clientId) {
		return this.clients.findByClientId(clientId)
			.map(ClientAdministrationService::view)
			.orElseThrow(() -> new NotFoundException("Client"));
	}

	@Override
	public ClientWithSecret create(ClientDraft draft, Actor actor) {
		ClientService.ClientWithSecret created = CoreInput
			.translated(() -> this.clients.register(CoreInput.registration(draft)));
		record(actor, "client.created", draft.clientId(), Map.of("public", draft.publicClient(),
				"token_endpoint_auth_method", created.client().tokenEndpointAuthMethod()));
		return new ClientWithSecret(view(created.client()), created.clientSecret());
	}

	@Override
	public ClientView update(String clientId, ClientDraft draft, Actor actor) {
		OAuthClient before = this.clients.findByClientId(clientId).orElse(null);
		OAuthClient updated = CoreInput
			.translated(() -> this.clients.update(clientId, CoreInput.registration(draft), draft.seenAt()));
		// Who may authenticate as the client is as sensitive as its secret: say when the
		// method or the keys changed (never the keys themselves).
		boolean keysChanged = before != null && (!Objects.equals(before.jwks(), updated.jwks())
				|| !Objects.equals(before.jwksUri(), updated.jwksUri()));
		record(actor, "client.updated", clientId,
				Map.of("enabled", updated.enabled(), "token_endpoint_auth_method", updated.tokenEndpointAuthMethod(),
						"keys_changed", keysChanged, "changed",
						(before != null) ? updated.settingsChangedSince(before) : List.of()));
		return view(updated);
	}

	@Override
	public ClientWithSecret regenerateSecret(String clientId, Actor actor) {
		ClientService.ClientWithSecret regenerated = CoreInput
			.translated(() -> this.clients.regenerateSecret(clientId));
		record(actor, "client.secret_regenerated", clientId, Map.of());
		return new ClientWithSecret(view(regenerated.client()), regenerated.clientSecret());
	}

	@Override
	public void delete(String clientId, Actor actor) {
		CoreInput.translated(() -> this.clients.delete(clientId));
		record(actor, "client.deleted", clientId, Map.of());
	}

	private void record(Actor actor, String action, String clientId, Map<String, ?> details) {
		this.audit.record(actor.id(), action, "client:" + clientId, actor.address(), details);
	}

	static ClientView view(OAuthClient client) {
		return new ClientView(client.clientId(), client.clientName(), client.logoUri(), client.isPublic(),
				client.tokenEndpointAuthMethod(), client.jwks(), client.jwksUri(), client.redirectUris(),
				client.postLogoutRedirectUris(), new ArrayList<>(new TreeSet<>(client.grantTypes())),
				new ArrayList<>(new TreeSet<>(client.scopes())), client.requirePkce(), client.requireConsent(),
				client.accessTokenTtl(), client.refreshTokenIdle(), client.refreshTokenMax(),
				client.exchangeAudiences(), client.introspectionAllowed(), client.requirePushedAuthorizationRequests(),
				client.dpopBoundAccessTokens(), client.requireMfa(), client.backchannelLogoutUri(),
				client.backchannelLogoutSessionRequired(), client.enabled(), client.clientIdIssuedAt(),
				client.updatedAt());
	}

}
