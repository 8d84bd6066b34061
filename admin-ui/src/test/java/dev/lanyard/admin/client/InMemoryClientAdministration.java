package dev.lanyard.admin.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.Page;
import dev.lanyard.admin.NextRefusal;
import dev.lanyard.admin.TestDouble;
import dev.lanyard.admin.TestPages;

/**
 * A {@link ClientAdministration} in memory: holds {@code web-app} (confidential) and
 * {@code spa} (public) after a reset, records every change, and can be told to refuse the
 * next one as the server's rules would.
 */
public class InMemoryClientAdministration implements ClientAdministration, TestDouble {

	/** The secret answered for a client registered here. */
	public static final String CREATED_SECRET = "lycs_created-secret-4f1c9a";

	/** The secret answered when a client's secret is regenerated here. */
	public static final String REGENERATED_SECRET = "lycs_regenerated-secret-77b2e0";

	private final Map<String, ClientView> clients = new LinkedHashMap<>();

	private final List<Search> searches = new ArrayList<>();

	private final List<ClientDraft> created = new ArrayList<>();

	private final Map<String, ClientDraft> updated = new LinkedHashMap<>();

	private final List<String> regenerated = new ArrayList<>();

	private final List<String> deleted = new ArrayList<>();

	private final List<Actor> actors = new ArrayList<>();

	private final NextRefusal refusal = new NextRefusal();

	@Override
	public void reset() {
		this.clients.clear();
		save(TestClientViews.confidentialClient("web-app").clientName("Web App").build());
		save(TestClientViews.publicClient("spa").clientName("Single Page App").build());
		this.searches.clear();
		this.created.clear();
		this.updated.clear();
		this.regenerated.clear();
		this.deleted.clear();
		this.actors.clear();
		this.refusal.clear();
	}

	@Override
	public boolean untouched() {
		return this.created.isEmpty() && this.updated.isEmpty() && this.regenerated.isEmpty() && this.deleted.isEmpty();
	}

	/** Adds or replaces a client. */
	public void save(ClientView client) {
		this.clients.put(client.clientId(), client);
	}

	/** The next create or update throws this instead of changing anything. */
	public void refuseNext(RuntimeException refusal) {
		this.refusal.set(refusal);
	}

	@Override
	public Page<ClientView> search(String query, int page, int size) {
		this.searches.add(new Search(query, page, size));
		String needle = query.toLowerCase(Locale.ROOT);
		List<ClientView> matching = this.clients.values()
			.stream()
			.filter((client) -> client.clientId().toLowerCase(Locale.ROOT).contains(needle)
					|| client.clientName().toLowerCase(Locale.ROOT).contains(needle))
			.toList();
		return TestPages.slice(matching, page, size);
	}

	@Override
	public ClientView get(String clientId) {
		ClientView client = this.clients.get(clientId);
		if (client == null) {
			throw new NotFoundException("Client");
		}
		return client;
	}

	@Override
	public ClientWithSecret create(ClientDraft draft, Actor actor) {
		this.refusal.throwIfSet();
		this.created.add(draft);
		this.actors.add(actor);
		ClientView client = view(draft);
		save(client);
		return new ClientWithSecret(client, draft.publicClient() ? null : CREATED_SECRET);
	}

	@Override
	public ClientView update(String clientId, ClientDraft draft, Actor actor) {
		get(clientId);
		this.refusal.throwIfSet();
		this.updated.put(clientId, draft);
		this.actors.add(actor);
		ClientView client = view(draft);
		save(client);
		return client;
	}

	@Override
	public ClientWithSecret regenerateSecret(String clientId, Actor actor) {
		ClientView client = get(clientId);
		if (!client.hasSecret()) {
			// As the core refuses it.
			throw new InvalidInputException("client_secret", "client-secret.private-key-jwt");
		}
		this.regenerated.add(clientId);
		this.actors.add(actor);
		return new ClientWithSecret(client, REGENERATED_SECRET);
	}

	@Override
	public void delete(String clientId, Actor actor) {
		get(clientId);
		this.deleted.add(clientId);
		this.actors.add(actor);
		this.clients.remove(clientId);
	}

	public List<Search> searches() {
		return List.copyOf(this.searches);
	}

	public List<ClientDraft> created() {
		return List.copyOf(this.created);
	}

	/** Drafts saved over existing clients, by client id. */
	public Map<String, ClientDraft> updated() {
		return Map.copyOf(this.updated);
	}

	public List<String> regenerated() {
		return List.copyOf(this.regenerated);
	}

	public List<String> deleted() {
		return List.copyOf(this.deleted);
	}

	/** Who asked for each change, in order. */
	public List<Actor> actors() {
		return List.copyOf(this.actors);
	}

	private static ClientView view(ClientDraft draft) {
		return TestClientViews.confidentialClient(draft.clientId())
			.clientName(draft.clientName())
			.publicClient(draft.publicClient())
			.redirectUris(draft.redirectUris().toArray(String[]::new))
			.postLogoutRedirectUris(draft.postLogoutRedirectUris().toArray(String[]::new))
			.grantTypes(sorted(draft.grantTypes()))
			.scopes(sorted(draft.scopes()))
			.requirePkce(!Boolean.FALSE.equals(draft.requirePkce()))
			.requireConsent(Boolean.TRUE.equals(draft.requireConsent()))
			.exchangeAudiences(draft.exchangeAudiences().toArray(String[]::new))
			.introspectionAllowed(Boolean.TRUE.equals(draft.introspectionAllowed()))
			.dpopBoundAccessTokens(Boolean.TRUE.equals(draft.dpopBoundAccessTokens()))
			.requireMfa(Boolean.TRUE.equals(draft.requireMfa()))
			.enabled(!Boolean.FALSE.equals(draft.enabled()))
			.build();
	}

	private static String[] sorted(Set<String> values) {
		return new TreeSet<>(values).toArray(String[]::new);
	}

	/** One search as the console asked it. */
	public record Search(String query, int page, int size) {
	}

}
