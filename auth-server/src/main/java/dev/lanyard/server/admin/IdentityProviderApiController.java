package dev.lanyard.server.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.admin.identityprovider.IdentityProviderAdministration;
import dev.lanyard.admin.identityprovider.IdentityProviderAdministration.LinkView;
import dev.lanyard.admin.identityprovider.IdentityProviderAdministration.ProviderDraft;
import dev.lanyard.admin.identityprovider.IdentityProviderAdministration.ProviderView;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin API's upstream identity providers (under {@code /api/admin}, so only
 * administrators reach it) and the identities linked to a person. A provider decides who
 * may sign in and with which roles: a change needs a recent sign-in, like registering a
 * client. The client secret is write-only. The console's rules and audit
 * ({@link IdentityProviderAdministration}).
 */
@RestController
@RequestMapping(path = "/api/admin", produces = MediaType.APPLICATION_JSON_VALUE)
class IdentityProviderApiController {

	private final IdentityProviderAdministration providers;

	private final AdminIdentity identity;

	private final RecentAuthentication recentAuthentication;

	IdentityProviderApiController(IdentityProviderAdministration providers, AdminIdentity identity,
			RecentAuthentication recentAuthentication) {
		this.providers = providers;
		this.identity = identity;
		this.recentAuthentication = recentAuthentication;
	}

	@GetMapping("/identity-providers")
	List<Map<String, Object>> list() {
		return this.providers.list().stream().map(IdentityProviderApiController::json).toList();
	}

	@GetMapping("/identity-providers/{id}")
	Map<String, Object> get(@PathVariable String id) {
		return json(this.providers.get(id));
	}

	/**
	 * Creates the provider or replaces its settings; a left-out secret is kept, and so is
	 * whether it is enabled (as for clients and users: a script rotating the secret must
	 * not turn back on a provider disabled in an incident).
	 */
	@PutMapping("/identity-providers/{id}")
	Map<String, Object> put(@PathVariable String id, @RequestBody ProviderRequest request) {
		this.recentAuthentication.require();
		java.util.Optional<ProviderView> stored = this.providers.list()
			.stream()
			.filter((provider) -> provider.id().equals(id))
			.findFirst();
		// Written over the version read here only: a change in between (a disabling)
		// answers 409 rather than be undone by what was kept from this read.
		return json(this.providers.save(request.toDraft(id, stored.map(ProviderView::enabled).orElse(true),
				stored.map(ProviderView::updatedAt).orElse(null)), this.identity.current()));
	}

	@DeleteMapping("/identity-providers/{id}")
	ResponseEntity<Void> delete(@PathVariable String id) {
		this.recentAuthentication.require();
		this.providers.delete(id, this.identity.current());
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/users/{id}/identities")
	List<Map<String, Object>> identities(@PathVariable String id) {
		return this.providers.linksOf(id).stream().map(IdentityProviderApiController::json).toList();
	}

	@DeleteMapping("/users/{id}/identities/{providerId}")
	ResponseEntity<Void> unlink(@PathVariable String id, @PathVariable String providerId) {
		this.providers.unlink(id, providerId, this.identity.current());
		return ResponseEntity.noContent().build();
	}

	private static Map<String, Object> json(ProviderView view) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", view.id());
		json.put("display_name", view.displayName());
		json.put("issuer", view.issuer());
		json.put("authorization_uri", view.authorizationUri());
		json.put("token_uri", view.tokenUri());
		json.put("user_info_uri", view.userInfoUri());
		json.put("subject_attribute", view.subjectAttribute());
		json.put("client_id", view.clientId());
		json.put("has_client_secret", view.hasClientSecret());
		json.put("token_endpoint_auth_method", view.tokenEndpointAuthMethod());
		json.put("scopes", view.scopes());
		json.put("link_by_verified_email", view.linkByVerifiedEmail());
		json.put("create_users", view.createUsers());
		json.put("default_roles", view.defaultRoles());
		json.put("claim_mappings", view.claimMappings());
		json.put("trust_upstream_mfa", view.trustUpstreamMfa());
		json.put("upstream_logout", view.upstreamLogout());
		json.put("enabled", view.enabled());
		json.put("linked_people", view.linkedPeople());
		json.put("callback_path", view.callbackPath());
		return json;
	}

	private static Map<String, Object> json(LinkView link) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("provider_id", link.providerId());
		json.put("display_name", link.displayName());
		json.put("subject", link.subject());
		json.put("email", link.email());
		json.put("linked_at", link.linkedAt().toString());
		json.put("last_used_at", (link.lastUsedAt() != null) ? link.lastUsedAt().toString() : null);
		return json;
	}

	/** A provider as the API takes it (snake case, as the answers). */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record ProviderRequest(String displayName, String issuer, String authorizationUri, String tokenUri,
			String userInfoUri, String subjectAttribute, String clientId, String clientSecret,
			String tokenEndpointAuthMethod, List<String> scopes, Boolean linkByVerifiedEmail, Boolean createUsers,
			List<String> defaultRoles, Map<String, String> claimMappings, Boolean trustUpstreamMfa,
			Boolean upstreamLogout, Boolean enabled) {

		ProviderDraft toDraft(String id, boolean enabledIfUnsaid, java.time.Instant seenAt) {
			return new ProviderDraft(id, this.displayName, this.issuer, this.authorizationUri, this.tokenUri,
					this.userInfoUri, this.subjectAttribute, this.clientId, this.clientSecret,
					this.tokenEndpointAuthMethod, this.scopes, Boolean.TRUE.equals(this.linkByVerifiedEmail),
					Boolean.TRUE.equals(this.createUsers), this.defaultRoles, this.claimMappings,
					Boolean.TRUE.equals(this.trustUpstreamMfa), Boolean.TRUE.equals(this.upstreamLogout),
					(this.enabled != null) ? this.enabled : enabledIfUnsaid, seenAt);
		}

		@Override
		public String toString() {
			return "ProviderRequest[" + this.displayName + "]";
		}

	}

}
