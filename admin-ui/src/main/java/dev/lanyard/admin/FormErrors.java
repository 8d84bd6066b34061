package dev.lanyard.admin;

import java.util.Map;

import org.springframework.beans.BeanUtils;
import org.springframework.validation.BindingResult;

/**
 * Puts the rules a change broke next to the form fields they concern. Field names of the
 * service (RFC 7591 metadata names, snake case) map to the form's property names.
 */
public final class FormErrors {

	private static final Map<String, String> FIELDS = Map.ofEntries(Map.entry("client_id", "clientId"),
			Map.entry("client_name", "clientName"), Map.entry("client_secret", "type"),
			Map.entry("redirect_uris", "redirectUris"),
			Map.entry("post_logout_redirect_uris", "postLogoutRedirectUris"), Map.entry("grant_types", "grantTypes"),
			Map.entry("scope", "scopes"), Map.entry("require_pkce", "requirePkce"),
			Map.entry("access_token_ttl", "accessTokenTtl"), Map.entry("refresh_token_idle", "refreshTokenIdle"),
			Map.entry("refresh_token_max", "refreshTokenMax"), Map.entry("exchange_audiences", "exchangeAudiences"),
			Map.entry("token_endpoint_auth_method", "type"), Map.entry("introspection_allowed", "introspectionAllowed"),
			Map.entry("require_consent", "requireConsent"), Map.entry("username", "username"),
			Map.entry("email", "email"), Map.entry("password", "password"), Map.entry("roles", "roles"),
			Map.entry("attributes", "attributes"), Map.entry("jwks", "jwks"), Map.entry("jwks_uri", "jwksUri"),
			Map.entry("require_pushed_authorization_requests", "requirePushedAuthorizationRequests"),
			Map.entry("dpop_bound_access_tokens", "dpopBoundAccessTokens"), Map.entry("require_mfa", "requireMfa"),
			Map.entry("backchannel_logout_uri", "backchannelLogoutUri"), Map.entry("logo_uri", "logoUri"),
			Map.entry("backchannel_logout_session_required", "backchannelLogoutSessionRequired"));

	private static final String CLAIMS = "claims";

	private static final String CLAIM_PREFIX = CLAIMS + ".";

	/**
	 * The message key for input refused without naming a rule: the form must still say
	 * that nothing was saved.
	 */
	public static final String INPUT_INVALID = "input.invalid";

	private FormErrors() {
	}

	/**
	 * Puts each problem next to its field; a refusal that names no problem is reported
	 * above the form, so that it never looks as if nothing happened.
	 */
	public static void reject(BindingResult form, InvalidInputException problems) {
		if (problems.problems().isEmpty()) {
			form.reject(INPUT_INVALID, INPUT_INVALID);
			return;
		}
		for (FieldProblem problem : problems.problems()) {
			reject(form, problem.field(), problem.code());
		}
	}

	/**
	 * Puts the problem next to its field, or above the form when the form has no such
	 * field or none is named (a rule about something the form does not show must still be
	 * reported, not fail).
	 */
	public static void reject(BindingResult form, String field, String code) {
		String property = (field != null) ? FIELDS.getOrDefault(field, field) : null;
		if (property != null && property.startsWith(CLAIM_PREFIX) && form.getTarget() != null
				&& BeanUtils.getPropertyDescriptor(form.getTarget().getClass(), CLAIMS) != null) {
			// A standard claim: the form's claims map, entry by claim name.
			form.rejectValue(CLAIMS + "[" + property.substring(CLAIM_PREFIX.length()) + "]", code, code);
		}
		else if (property != null && form.getTarget() != null
				&& BeanUtils.getPropertyDescriptor(form.getTarget().getClass(), property) != null) {
			form.rejectValue(property, code, code);
		}
		else {
			form.reject(code, code);
		}
	}

}
