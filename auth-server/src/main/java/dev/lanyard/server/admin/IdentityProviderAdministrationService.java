package dev.lanyard.server.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.identityprovider.IdentityProviderAdministration;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.federation.FederatedIdentities;
import dev.lanyard.server.federation.IdentityProvider;
import dev.lanyard.server.federation.IdentityProviderChanges;
import dev.lanyard.server.federation.IdentityProviders;
import dev.lanyard.server.user.JdbcUserAccountRepository;

import org.springframework.stereotype.Service;

/**
 * The identity providers port: providers as stored (never their client secret), changes
 * checked by the core's rules and audited, and the identities linked to an account.
 */
@Service
class IdentityProviderAdministrationService implements IdentityProviderAdministration {

	private final IdentityProviders providers;

	private final FederatedIdentities identities;

	private final JdbcUserAccountRepository users;

	private final AuditLog audit;

	private final IdentityProviderChanges changes;

	IdentityProviderAdministrationService(IdentityProviders providers, FederatedIdentities identities,
			JdbcUserAccountRepository users, AuditLog audit, IdentityProviderChanges changes) {
		this.changes = changes;
		this.providers = providers;
		this.identities = identities;
		this.users = users;
		this.audit = audit;
	}

	@Override
	public List<ProviderView> list() {
		Map<String, Long> linked = this.identities.countByProvider();
		return this.providers.allVersioned()
			.stream()
			.map((stored) -> view(stored.provider(), linked.getOrDefault(stored.provider().id(), 0L),
					stored.updatedAt()))
			.toList();
	}

	@Override
	public ProviderView get(String id) {
		IdentityProviders.Versioned stored = this.providers.findVersioned(id)
			.orElseThrow(() -> new NotFoundException("identity provider"));
		return view(stored.provider(), this.identities.countByProvider().getOrDefault(id, 0L), stored.updatedAt());
	}

	@Override
	public ProviderView save(ProviderDraft draft, Actor actor) {
		Optional<IdentityProvider> existing = this.providers.find(draft.id());
		// A secret left out keeps the stored one: it is never shown, so never sent back.
		String method = draft.tokenEndpointAuthMethod();
		boolean secretless = "private_key_jwt".equals(method) || "none".equals(method);
		String secret = (draft.clientSecret() != null) ? draft.clientSecret()
				: secretless ? null : existing.map(IdentityProvider::clientSecret).orElse(null);
		IdentityProvider provider = new IdentityProvider(draft.id(), draft.displayName(), draft.issuer(),
				draft.authorizationUri(), draft.tokenUri(), draft.userInfoUri(), draft.subjectAttribute(),
				draft.clientId(), secret, method, draft.scopes(), draft.linkByVerifiedEmail(), draft.createUsers(),
				draft.defaultRoles(), draft.claimMappings(), draft.trustUpstreamMfa(), draft.upstreamLogout(),
				draft.enabled());
		// Disabled (an incident upstream): what signed in through it ends now.
		CoreInput.translated(() -> this.changes.save(provider, "admin", draft.seenAt()));
		this.audit.record(actor.id(), existing.isPresent() ? "identity_provider.updated" : "identity_provider.created",
				"idp:" + provider.id(), actor.address(),
				Map.of("display_name", provider.displayName(), "create_users", provider.createUsers(), "default_roles",
						provider.defaultRoles(), "secret_changed", draft.clientSecret() != null, "changed",
						existing.map(provider::settingsChangedSince).orElse(List.of())));
		return get(provider.id());
	}

	@Override
	public void delete(String id, Actor actor) {
		if (!this.changes.delete(id, "admin")) {
			throw new NotFoundException("identity provider");
		}
		this.audit.record(actor.id(), "identity_provider.deleted", "idp:" + id, actor.address(), Map.of());
	}

	@Override
	public List<LinkView> linksOf(String userId) {
		UUID id = account(userId);
		Map<String, String> names = new java.util.HashMap<>();
		this.providers.all().forEach((provider) -> names.put(provider.id(), provider.displayName()));
		return this.identities.of(id)
			.stream()
			.map((linked) -> new LinkView(linked.providerId(),
					names.getOrDefault(linked.providerId(), linked.providerId()), linked.subject(), linked.email(),
					linked.linkedAt(), linked.lastUsedAt()))
			.toList();
	}

	@Override
	public void unlink(String userId, String providerId, Actor actor) {
		UUID id = account(userId);
		if (!this.changes.unlink(id, providerId, "admin")) {
			throw new NotFoundException("linked identity");
		}
		this.audit.record(actor.id(), "federation.unlinked", "user:" + id, actor.address(),
				Map.of("idp", providerId, "by", "administrator"));
	}

	private UUID account(String userId) {
		try {
			UUID id = UUID.fromString(userId);
			if (this.users.findById(id).isPresent()) {
				return id;
			}
		}
		catch (IllegalArgumentException ex) {
			// Not an account id.
		}
		throw new NotFoundException("user");
	}

	private static ProviderView view(IdentityProvider provider, long linkedPeople, Instant updatedAt) {
		return new ProviderView(provider.id(), provider.displayName(), provider.issuer(), provider.authorizationUri(),
				provider.tokenUri(), provider.userInfoUri(), provider.subjectAttribute(), provider.clientId(),
				provider.clientSecret() != null, provider.tokenEndpointAuthMethod(), provider.scopes(),
				provider.linkByVerifiedEmail(), provider.createUsers(), provider.defaultRoles(),
				provider.claimMappings(), provider.trustUpstreamMfa(), provider.upstreamLogout(), provider.enabled(),
				linkedPeople, updatedAt);
	}

}
