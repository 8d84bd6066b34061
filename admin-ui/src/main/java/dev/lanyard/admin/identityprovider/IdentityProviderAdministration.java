package dev.lanyard.admin.identityprovider;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.lanyard.admin.Actor;

/**
 * The upstream identity providers people sign in with, and the identities linked to
 * accounts, as the console and the admin API manage them. Implemented by the server.
 */
public interface IdentityProviderAdministration {

	/** Every provider, by display name. */
	List<ProviderView> list();

	/**
	 * One provider.
	 * @throws dev.lanyard.admin.NotFoundException if there is none
	 */
	ProviderView get(String id);

	/**
	 * Creates the provider or changes the one with its id; audited.
	 * @throws dev.lanyard.admin.InvalidInputException naming each field that breaks a
	 * rule
	 */
	ProviderView save(ProviderDraft draft, Actor actor);

	/**
	 * Removes a provider and every identity linked through it; audited.
	 * @throws dev.lanyard.admin.NotFoundException if there is none
	 */
	void delete(String id, Actor actor);

	/**
	 * The upstream identities linked to an account.
	 * @throws dev.lanyard.admin.NotFoundException if there is no such account
	 */
	List<LinkView> linksOf(String userId);

	/**
	 * Unlinks an account's identity at a provider; audited.
	 * @throws dev.lanyard.admin.NotFoundException if none is linked
	 */
	void unlink(String userId, String providerId, Actor actor);

	/**
	 * A provider as an administrator gives it.
	 *
	 * @param clientSecret the new client secret; {@code null} keeps the stored one (none
	 * for a new provider, or with a method that uses none)
	 * @param tokenEndpointAuthMethod how the server authenticates at the provider's token
	 * endpoint; {@code null}: with the secret if there is one
	 * @param seenAt when the provider the administrator saw was last changed (the
	 * console's form carries it): a change made since refuses this one rather than be
	 * undone by it (a provider disabled in an incident enabled again); {@code null} when
	 * not known
	 */
	record ProviderDraft(String id, String displayName, String issuer, String authorizationUri, String tokenUri,
			String userInfoUri, String subjectAttribute, String clientId, String clientSecret,
			String tokenEndpointAuthMethod, List<String> scopes, boolean linkByVerifiedEmail, boolean createUsers,
			List<String> defaultRoles, Map<String, String> claimMappings, boolean trustUpstreamMfa,
			boolean upstreamLogout, boolean enabled, java.time.Instant seenAt) {

		public ProviderDraft {
			// What an API caller sent, nulls in lists and maps included: left out, not a
			// server error.
			scopes = (scopes != null) ? scopes.stream().filter(Objects::nonNull).toList() : List.of();
			defaultRoles = (defaultRoles != null) ? defaultRoles.stream().filter(Objects::nonNull).toList() : List.of();
			Map<String, String> mappings = new LinkedHashMap<>();
			if (claimMappings != null) {
				claimMappings.forEach((field, claim) -> {
					if (field != null && claim != null) {
						mappings.put(field, claim);
					}
				});
			}
			claimMappings = Collections.unmodifiableMap(mappings);
		}

		@Override
		public String toString() {
			return "ProviderDraft[" + this.id + "]";
		}

	}

	/**
	 * A provider as shown: never its client secret.
	 *
	 * @param hasClientSecret whether a client secret is stored
	 * @param linkedPeople how many accounts have an identity there
	 * @param updatedAt when its settings last changed: the version a form shows
	 */
	record ProviderView(String id, String displayName, String issuer, String authorizationUri, String tokenUri,
			String userInfoUri, String subjectAttribute, String clientId, boolean hasClientSecret,
			String tokenEndpointAuthMethod, List<String> scopes, boolean linkByVerifiedEmail, boolean createUsers,
			List<String> defaultRoles, Map<String, String> claimMappings, boolean trustUpstreamMfa,
			boolean upstreamLogout, boolean enabled, long linkedPeople, java.time.Instant updatedAt) {

		/** The callback to register at the provider, under this server's issuer. */
		public String callbackPath() {
			return "/login/federated/" + this.id;
		}

	}

	/**
	 * An identity linked to an account.
	 *
	 * @param email the address the upstream gave at the last sign-in; may be {@code null}
	 * @param lastUsedAt the last sign-in with it; may be {@code null}
	 */
	record LinkView(String providerId, String displayName, String subject, String email, Instant linkedAt,
			Instant lastUsedAt) {
	}

}
