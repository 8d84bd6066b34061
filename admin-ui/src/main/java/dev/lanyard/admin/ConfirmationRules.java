package dev.lanyard.admin;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.lanyard.admin.client.ClientDraft;
import dev.lanyard.admin.client.ClientView;
import dev.lanyard.admin.user.UserDraft;
import dev.lanyard.admin.user.UserView;

/**
 * Which administrative changes need the administrator to prove their credential again
 * (OWASP ASVS 5.0 §7.5.1): the console asks for the password, the API for a recently
 * authenticated token. One set of rules for both.
 */
public final class ConfirmationRules {

	private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

	private static final String DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";

	private ConfirmationRules() {
	}

	/**
	 * Whether saving a client needs confirmation: anything that decides where codes and
	 * tokens may be sent or widens what the client can obtain. Registering: a client with
	 * redirect URIs (it can receive codes at them) or the device flow (it receives the
	 * tokens of whoever enters its code), the admin scope, token exchange, introspection
	 * of other clients' tokens, or PKCE off. Changing: redirect URIs, grant types,
	 * exchange audiences, the client type, how it authenticates or the keys it signs its
	 * assertions with; adding the admin scope or introspection; turning PKCE or consent
	 * off, or no longer requiring pushed authorization requests or DPoP-bound access
	 * tokens; enabling a disabled client (it was disabled for a reason: a leaked secret
	 * works again with it).
	 * @param current the client as it is; {@code null} when registering
	 * @param draft the client as it is to be
	 */
	public static boolean clientChange(ClientView current, ClientDraft draft) {
		boolean asksForAdmin = draft.scopes().contains(AdminIdentity.ADMIN_SCOPE);
		boolean introspects = Boolean.TRUE.equals(draft.introspectionAllowed());
		boolean pkceOff = Boolean.FALSE.equals(draft.requirePkce());
		boolean consentOff = !Boolean.TRUE.equals(draft.requireConsent());
		if (current == null) {
			return !draft.redirectUris().isEmpty() || !draft.postLogoutRedirectUris().isEmpty() || asksForAdmin
					|| introspects || pkceOff || draft.grantTypes().contains(TOKEN_EXCHANGE)
					|| draft.grantTypes().contains(DEVICE_CODE);
		}
		return !draft.redirectUris().equals(current.redirectUris())
				|| !draft.postLogoutRedirectUris().equals(current.postLogoutRedirectUris())
				|| !draft.grantTypes().equals(Set.copyOf(current.grantTypes()))
				|| !draft.exchangeAudiences().equals(current.exchangeAudiences())
				|| draft.publicClient() != current.publicClient()
				|| (draft.tokenEndpointAuthMethod() != null
						&& !draft.tokenEndpointAuthMethod().equals(current.tokenEndpointAuthMethod()))
				|| !Objects.equals(draft.jwks(), current.jwks()) || !Objects.equals(draft.jwksUri(), current.jwksUri())
				|| (asksForAdmin && !current.scopes().contains(AdminIdentity.ADMIN_SCOPE))
				|| (introspects && !current.introspectionAllowed()) || (pkceOff && current.requirePkce())
				|| (consentOff && current.requireConsent())
				|| (!Boolean.TRUE.equals(draft.requirePushedAuthorizationRequests())
						&& current.requirePushedAuthorizationRequests())
				|| (!Boolean.TRUE.equals(draft.dpopBoundAccessTokens()) && current.dpopBoundAccessTokens())
				|| (!Boolean.TRUE.equals(draft.requireMfa()) && current.requireMfa())
				|| (!Boolean.FALSE.equals(draft.enabled()) && !current.enabled());
	}

	/**
	 * Whether saving a user needs confirmation: giving the admin role hands over the
	 * whole server, and so does enabling or unlocking an administrator shut out before
	 * (perhaps because their password leaked); taking the role from an active
	 * administrator, or disabling or locking one, shuts them out (an unattended console
	 * could shut out every other administrator); and giving a person's account another
	 * e-mail address hands over the account (a password reset link goes to that address:
	 * setting a password needs confirmation, so this must too). A new account's address,
	 * or an address removed, hands over nothing.
	 * @param current the user as they are; {@code null} when creating
	 * @param draft the user as they are to be
	 */
	public static boolean userChange(UserView current, UserDraft draft) {
		List<String> currentRoles = (current != null) ? current.roles() : List.of();
		boolean madeAdmin = draft.roles().contains(AdminIdentity.ADMIN_ROLE)
				&& !currentRoles.contains(AdminIdentity.ADMIN_ROLE);
		boolean wasActiveAdministrator = current != null
				&& activeAdministrator(current.roles(), current.enabled(), current.locked());
		boolean activeAdministrator = activeAdministrator(draft.roles(), draft.enabled(), draft.locked());
		boolean administratorShutOut = wasActiveAdministrator && !activeAdministrator;
		boolean administratorLetBackIn = current != null && !wasActiveAdministrator && activeAdministrator;
		return madeAdmin || administratorShutOut || administratorLetBackIn
				|| (current != null && newAddress(current.email(), draft.email()));
	}

	/**
	 * Whether unlocking a user (which also forgets their wrong passwords) needs
	 * confirmation: for an administrator, as letting one back in does
	 * ({@link #userChange}); the throttling it lifts may be all that holds back someone
	 * guessing their password.
	 * @param current the user as they are
	 */
	public static boolean unlock(UserView current) {
		return current.roles().contains(AdminIdentity.ADMIN_ROLE);
	}

	private static boolean activeAdministrator(List<String> roles, boolean enabled, boolean locked) {
		return roles.contains(AdminIdentity.ADMIN_ROLE) && enabled && !locked;
	}

	private static boolean newAddress(String current, String draft) {
		if (draft == null || draft.isBlank()) {
			return false;
		}
		return current == null || !current.strip().equalsIgnoreCase(draft.strip());
	}

}
