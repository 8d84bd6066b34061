package dev.lanyard.server.federation;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An upstream identity provider people can sign in with: an OpenID Connect provider found
 * by its issuer (discovery), or a plain OAuth 2.0 server named by its endpoints (GitHub).
 * Immutable.
 *
 * @param id the short name in paths ({@code /login/federated/{id}}) and in the
 * {@code idp} claim
 * @param displayName the button's text on the login page
 * @param issuer the OpenID Connect issuer; {@code null} for plain OAuth 2.0
 * @param authorizationUri plain OAuth 2.0: the authorization endpoint
 * @param tokenUri plain OAuth 2.0: the token endpoint
 * @param userInfoUri plain OAuth 2.0: where the person's attributes are read
 * @param subjectAttribute plain OAuth 2.0: the user-info member that names the person for
 * good (GitHub: {@code id}, never the login, which can be renamed)
 * @param clientId Lanyard's client id at the upstream
 * @param clientSecret Lanyard's client secret there; {@code null} for none (a public
 * client, PKCE alone, or {@code private_key_jwt})
 * @param tokenEndpointAuthMethod how Lanyard authenticates at the token endpoint there
 * ({@code client_secret_basic}, {@code client_secret_post}, {@code private_key_jwt} with
 * Lanyard's own signing key, {@code none}); {@code null}: with the secret if there is
 * one, else none
 * @param scopes the scopes asked for
 * @param linkByVerifiedEmail whether a first sign-in may link to the local account with
 * the same e-mail address, when the upstream says it verified it
 * @param createUsers whether a first sign-in with nobody linked creates an account
 * @param defaultRoles the roles of accounts it creates
 * @param claimMappings Lanyard field ({@code roles}, {@code email}, a standard claim, or
 * an attribute name) to the upstream claim it is read from
 * @param trustUpstreamMfa whether the upstream's {@code amr} {@code mfa} counts as two
 * factors here
 * @param upstreamLogout whether signing out here continues at the provider's end-session
 * endpoint (OpenID Connect RP-Initiated Logout), for people who signed in through it
 * @param enabled whether the provider is offered
 */
public record IdentityProvider(String id, String displayName, String issuer, String authorizationUri, String tokenUri,
		String userInfoUri, String subjectAttribute, String clientId, String clientSecret,
		String tokenEndpointAuthMethod, List<String> scopes, boolean linkByVerifiedEmail, boolean createUsers,
		List<String> defaultRoles, Map<String, String> claimMappings, boolean trustUpstreamMfa, boolean upstreamLogout,
		boolean enabled) {

	public IdentityProvider {
		scopes = List.copyOf(scopes);
		defaultRoles = List.copyOf(defaultRoles);
		claimMappings = Map.copyOf(claimMappings);
	}

	/** Whether the upstream speaks OpenID Connect (found by its issuer). */
	public boolean openIdConnect() {
		return this.issuer != null;
	}

	/**
	 * The names of the settings that differ from the provider as it was, never the
	 * values; trusting the provider's second factor, linking by address and whom it names
	 * are what decide who signs in as whom.
	 * @param before the provider before a change
	 */
	public List<String> settingsChangedSince(IdentityProvider before) {
		Map<String, Boolean> differs = new java.util.LinkedHashMap<>();
		differs.put("display_name", !Objects.equals(before.displayName(), this.displayName));
		differs.put("endpoints",
				!Objects.equals(before.issuer(), this.issuer)
						|| !Objects.equals(before.authorizationUri(), this.authorizationUri)
						|| !Objects.equals(before.tokenUri(), this.tokenUri)
						|| !Objects.equals(before.userInfoUri(), this.userInfoUri)
						|| !Objects.equals(before.subjectAttribute(), this.subjectAttribute));
		differs.put("client_id", !Objects.equals(before.clientId(), this.clientId));
		differs.put("token_endpoint_auth_method",
				!Objects.equals(before.tokenEndpointAuthMethod(), this.tokenEndpointAuthMethod));
		differs.put("client_secret", !Objects.equals(before.clientSecret(), this.clientSecret));
		differs.put("scopes", !before.scopes().equals(this.scopes));
		differs.put("link_by_verified_email", before.linkByVerifiedEmail() != this.linkByVerifiedEmail);
		differs.put("create_users", before.createUsers() != this.createUsers);
		differs.put("default_roles", !before.defaultRoles().equals(this.defaultRoles));
		differs.put("claim_mappings", !before.claimMappings().equals(this.claimMappings));
		differs.put("trust_upstream_mfa", before.trustUpstreamMfa() != this.trustUpstreamMfa);
		differs.put("upstream_logout", before.upstreamLogout() != this.upstreamLogout);
		differs.put("enabled", before.enabled() != this.enabled);
		return differs.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
	}

	@Override
	public String toString() {
		return "IdentityProvider[" + this.id + "]";
	}

}
