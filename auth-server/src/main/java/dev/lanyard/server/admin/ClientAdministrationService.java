package dev.lanyard.server.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.ConflictException;
import dev.lanyard.admin.FieldProblem;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.Page;
import dev.lanyard.admin.client.ClientAdministration;
import dev.lanyard.admin.client.ClientDraft;
import dev.lanyard.admin.client.ClientView;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.client.ClientAlreadyExistsException;
import dev.lanyard.server.client.ClientNotFoundException;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.client.InvalidClientRegistrationException;
import dev.lanyard.server.client.OAuthClient;

import org.springframework.stereotype.Service;

/**
 * The clients port, for console and API alike: the client rules are
 * {@link ClientService}'s; this records each change in the audit log and speaks the
 * console's types.
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
		List<ClientView> items = this.clients.search(query, size, page * size).stream().map(ClientAdministrationService::view).toList();
		return new Page<>(items, page, size, this.clients.countMatching(query));
	}

	@Override
	public ClientView get(String clientId) {
		return this.clients.findByClientId(clientId).map(ClientAdministrationService::view)
			.orElseThrow(() -> new NotFoundException("Client"));
	}

	@Override
	public ClientWithSecret create(ClientDraft draft, Actor actor) {
		try {
			ClientService.ClientWithSecret created = this.clients.register(registration(draft));
			record(actor, "client.created", draft.clientId(), Map.of("public", draft.publicClient()));
			return new ClientWithSecret(view(created.client()), created.clientSecret());
		}
		catch (InvalidClientRegistrationException ex) {
			throw invalid(ex);
		}
		catch (ClientAlreadyExistsException ex) {
			throw new ConflictException("client_id", "A client with this client_id exists");
		}
	}

	@Override
	public ClientView update(String clientId, ClientDraft draft, Actor actor) {
		try {
			OAuthClient updated = this.clients.update(clientId, registration(draft));
			record(actor, "client.updated", clientId, Map.of("enabled", updated.enabled()));
			return view(updated);
		}
		catch (InvalidClientRegistrationException ex) {
			throw invalid(ex);
		}
		catch (ClientNotFoundException ex) {
			throw new NotFoundException("Client");
		}
	}

	@Override
	public ClientWithSecret regenerateSecret(String clientId, Actor actor) {
		try {
			ClientService.ClientWithSecret regenerated = this.clients.regenerateSecret(clientId);
			record(actor, "client.secret_regenerated", clientId, Map.of());
			return new ClientWithSecret(view(regenerated.client()), regenerated.clientSecret());
		}
		catch (InvalidClientRegistrationException ex) {
			throw invalid(ex);
		}
		catch (ClientNotFoundException ex) {
			throw new NotFoundException("Client");
		}
	}

	@Override
	public void delete(String clientId, Actor actor) {
		try {
			this.clients.delete(clientId);
			record(actor, "client.deleted", clientId, Map.of());
		}
		catch (ClientNotFoundException ex) {
			throw new NotFoundException("Client");
		}
	}

	private void record(Actor actor, String action, String clientId, Map<String, ?> details) {
		this.audit.record(actor.id(), action, "client:" + clientId, actor.address(), details);
	}

	static ClientView view(OAuthClient client) {
		return new ClientView(client.clientId(), client.clientName(), client.isPublic(), client.tokenEndpointAuthMethod(),
				client.redirectUris(), client.postLogoutRedirectUris(), new ArrayList<>(new TreeSet<>(client.grantTypes())),
				new ArrayList<>(new TreeSet<>(client.scopes())), client.requirePkce(), client.requireConsent(),
				client.accessTokenTtl(), client.refreshTokenIdle(), client.refreshTokenMax(), client.exchangeAudiences(),
				client.enabled(), client.clientIdIssuedAt(), client.updatedAt());
	}

	private static ClientRegistration registration(ClientDraft draft) {
		return new ClientRegistration(draft.clientId(), draft.clientName(), draft.clientSecret(), draft.publicClient(),
				draft.redirectUris(), draft.postLogoutRedirectUris(), draft.grantTypes(), draft.scopes(),
				draft.requirePkce(), draft.requireConsent(), draft.accessTokenTtl(), draft.refreshTokenIdle(),
				draft.refreshTokenMax(), draft.exchangeAudiences(), draft.enabled());
	}

	private static InvalidInputException invalid(InvalidClientRegistrationException ex) {
		return new InvalidInputException(
				ex.errors().stream().map((error) -> new FieldProblem(error.field(), error.code())).toList());
	}

}
