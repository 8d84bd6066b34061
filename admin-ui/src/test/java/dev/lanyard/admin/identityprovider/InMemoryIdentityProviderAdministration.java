package dev.lanyard.admin.identityprovider;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.TestDouble;

/**
 * {@link IdentityProviderAdministration} in memory: one provider and one person linked to
 * it; records the drafts saved (with whether they carried a secret) and who acted.
 * Refuses a provider without an issuer or endpoints, as the server does.
 */
public class InMemoryIdentityProviderAdministration implements IdentityProviderAdministration, TestDouble {

	public static final String USER_ID = "id-bob";

	private final Map<String, ProviderDraft> providers = new LinkedHashMap<>();

	private final List<LinkView> links = new ArrayList<>();

	private final List<ProviderDraft> saved = new ArrayList<>();

	private final Map<String, Instant> versions = new java.util.HashMap<>();

	private final List<Actor> actors = new ArrayList<>();

	@Override
	public void reset() {
		this.providers.clear();
		this.providers.put("corp",
				new ProviderDraft("corp", "Corporate sign-in", "https://login.corp.example", null, null, null, null,
						"lanyard", "stored-secret", null, List.of("openid", "profile"), false, true, List.of("user"),
						Map.of("tenant", "org_id"), false, false, true, null));
		this.versions.clear();
		this.versions.put("corp", Instant.parse("2026-02-01T00:00:00Z"));
		this.links.clear();
		this.links.add(new LinkView("corp", "Corporate sign-in", "upstream-1", "alice@corp.example",
				Instant.parse("2026-01-01T00:00:00Z"), null));
		this.saved.clear();
		this.actors.clear();
	}

	@Override
	public boolean untouched() {
		return this.actors.isEmpty();
	}

	public List<ProviderDraft> saved() {
		return List.copyOf(this.saved);
	}

	public List<Actor> actors() {
		return List.copyOf(this.actors);
	}

	@Override
	public List<ProviderView> list() {
		return this.providers.values().stream().map(this::view).toList();
	}

	@Override
	public ProviderView get(String id) {
		ProviderDraft draft = this.providers.get(id);
		if (draft == null) {
			throw new NotFoundException("identity provider");
		}
		return view(draft);
	}

	@Override
	public ProviderView save(ProviderDraft draft, Actor actor) {
		if (draft.issuer() == null && draft.authorizationUri() == null) {
			throw new InvalidInputException("issuer", "idp.endpoints.required");
		}
		if (draft.seenAt() != null && !draft.seenAt().equals(this.versions.get(draft.id()))) {
			throw new dev.lanyard.admin.ConflictException(dev.lanyard.admin.ConflictException.CHANGED_MEANWHILE,
					"changed");
		}
		this.saved.add(draft);
		this.actors.add(actor);
		this.providers.put(draft.id(), draft);
		this.versions.merge(draft.id(), Instant.parse("2026-02-01T00:00:00Z"), (old, first) -> old.plusSeconds(1));
		return view(draft);
	}

	@Override
	public void delete(String id, Actor actor) {
		if (this.providers.remove(id) == null) {
			throw new NotFoundException("identity provider");
		}
		this.actors.add(actor);
	}

	@Override
	public List<LinkView> linksOf(String userId) {
		return USER_ID.equals(userId) ? List.copyOf(this.links) : List.of();
	}

	@Override
	public void unlink(String userId, String providerId, Actor actor) {
		if (!USER_ID.equals(userId) || !this.links.removeIf((link) -> link.providerId().equals(providerId))) {
			throw new NotFoundException("linked identity");
		}
		this.actors.add(actor);
	}

	private ProviderView view(ProviderDraft draft) {
		return new ProviderView(draft.id(), draft.displayName(), draft.issuer(), draft.authorizationUri(),
				draft.tokenUri(), draft.userInfoUri(), draft.subjectAttribute(), draft.clientId(),
				draft.clientSecret() != null, draft.tokenEndpointAuthMethod(), draft.scopes(),
				draft.linkByVerifiedEmail(), draft.createUsers(), draft.defaultRoles(), draft.claimMappings(),
				draft.trustUpstreamMfa(), draft.upstreamLogout(), draft.enabled(),
				this.links.stream().filter((link) -> link.providerId().equals(draft.id())).count(),
				this.versions.get(draft.id()));
	}

}
