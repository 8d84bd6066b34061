package dev.lanyard.server.user;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.lanyard.server.PromptValues;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;

/**
 * The {@code claims} parameter of an authorization request (OpenID Connect Core §5.5):
 * single claims a client asks for by name, for the ID token and for {@code /userinfo}.
 * Lanyard releases such a claim when the account has it and its scope is one the client
 * may be given without asking the user again: any scope registered for a client that
 * needs no consent, only the granted scopes for one that does. It never widens what the
 * client's registration allows. {@code essential}, {@code value} and {@code values} are
 * read for their shape only (§5.5.1: a claim that cannot be given is left out, not an
 * error), except for the two §5.5.1 makes binding: a {@code sub} with a {@code value}
 * (the token must be for that user) and an essential {@code acr} with {@code value(s)} (a
 * sign-in that meets none of them is a failed authentication, §5.5.1.1). Members other
 * than {@code id_token} and {@code userinfo} are ignored (§5.5).
 *
 * @param idToken the claim names asked for in the ID token
 * @param userinfo the claim names asked for at {@code /userinfo}
 * @param subject the user the tokens must be for ({@code sub} with a {@code value}), or
 * {@code null}
 * @param essentialAcr the {@code acr} values one of which the sign-in must meet (an
 * essential {@code acr} in the ID token), empty for none
 */
public record ClaimsRequest(Set<String> idToken, Set<String> userinfo, String subject, Set<String> essentialAcr) {

	/** The authorization request parameter. */
	public static final String PARAMETER = "claims";

	/** No claims asked for by name. */
	public static final ClaimsRequest NONE = new ClaimsRequest(Set.of(), Set.of(), null, Set.of());

	/** More than any client needs: every standard claim fits many times over. */
	private static final int LONGEST = 4096;

	private static final int MOST_CLAIMS = 64;

	private static final JsonMapper json = JsonMapper.builder().build();

	public ClaimsRequest {
		idToken = Collections.unmodifiableSet(new LinkedHashSet<>(idToken));
		userinfo = Collections.unmodifiableSet(new LinkedHashSet<>(userinfo));
		essentialAcr = Set.copyOf(essentialAcr);
	}

	/**
	 * Reads the parameter.
	 * @throws IllegalArgumentException with a description for the client, when it is not
	 * a JSON object of that shape
	 */
	public static ClaimsRequest parse(String parameter) {
		if (parameter.length() > LONGEST) {
			throw new IllegalArgumentException("claims is too long");
		}
		JsonNode root;
		try {
			root = json.readTree(parameter);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("claims must be a JSON object");
		}
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException("claims must be a JSON object");
		}
		String subject = subject(root, "id_token");
		String userinfoSubject = subject(root, "userinfo");
		if (subject != null && userinfoSubject != null && !subject.equals(userinfoSubject)) {
			throw new IllegalArgumentException("claims asks for two different sub values");
		}
		return new ClaimsRequest(member(root, "id_token"), member(root, "userinfo"),
				(subject != null) ? subject : userinfoSubject, essentialAcr(root));
	}

	/**
	 * What the authorization request behind a grant asked for; none when it asked nothing
	 * (or is not an authorization-code grant).
	 */
	public static ClaimsRequest of(OAuth2Authorization authorization) {
		OAuth2AuthorizationRequest request = (authorization != null)
				? authorization.getAttribute(OAuth2AuthorizationRequest.class.getName()) : null;
		Object parameter = (request != null) ? request.getAdditionalParameters().get(PARAMETER) : null;
		if (!(parameter instanceof String text)) {
			return NONE;
		}
		try {
			return parse(text);
		}
		catch (IllegalArgumentException ex) {
			// Refused at the authorization endpoint; nothing to release from it here.
			return NONE;
		}
	}

	/**
	 * The scopes whose claims may be released on request to this client: those it is
	 * registered for when the user was not asked, only the granted ones when the user saw
	 * the consent page (the client requires consent, or the request said
	 * {@code prompt=consent}): the page showed the requested scopes only.
	 * @param granted the scopes the grant carries
	 * @param authorization the grant, whose authorization request tells the prompt
	 */
	public static Set<String> releasableScopes(RegisteredClient client, Set<String> granted,
			OAuth2Authorization authorization) {
		if (client == null || client.getClientSettings().isRequireAuthorizationConsent()
				|| consentPrompted(authorization)) {
			return granted;
		}
		return client.getScopes();
	}

	private static boolean consentPrompted(OAuth2Authorization authorization) {
		OAuth2AuthorizationRequest request = (authorization != null)
				? authorization.getAttribute(OAuth2AuthorizationRequest.class.getName()) : null;
		Object prompt = (request != null) ? request.getAdditionalParameters().get(PromptValues.PARAMETER) : null;
		return PromptValues.of((prompt instanceof String value) ? value : null).contains("consent");
	}

	private static Set<String> member(JsonNode root, String name) {
		JsonNode member = root.get(name);
		if (member == null || member.isNull()) {
			return Set.of();
		}
		if (!member.isObject()) {
			throw new IllegalArgumentException("claims." + name + " must be a JSON object");
		}
		Set<String> names = new LinkedHashSet<>();
		for (Map.Entry<String, JsonNode> claim : member.properties()) {
			JsonNode request = claim.getValue();
			if (!request.isNull() && !(request.isObject() && shapeOk(request))) {
				// Never the claim's name: the description goes to the client, and the
				// name is whatever the request's author wrote.
				throw new IllegalArgumentException(
						"claims." + name + ": each claim must be null or an object (OpenID Connect Core 5.5.1)");
			}
			names.add(claim.getKey());
		}
		if (names.size() > MOST_CLAIMS) {
			throw new IllegalArgumentException("claims." + name + " names too many claims");
		}
		return names;
	}

	/** §5.5.1: the {@code value} asked for {@code sub}, if any. */
	private static String subject(JsonNode root, String member) {
		JsonNode value = root.path(member).path("sub").path("value");
		if (value.isMissingNode() || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new IllegalArgumentException("claims." + member + ".sub.value must be a string");
		}
		return value.asString();
	}

	/** §5.5.1.1: the values of an essential {@code acr} in the ID token. */
	private static Set<String> essentialAcr(JsonNode root) {
		JsonNode acr = root.path("id_token").path("acr");
		if (!acr.path("essential").asBoolean(false)) {
			return Set.of();
		}
		Set<String> values = new LinkedHashSet<>();
		JsonNode value = acr.path("value");
		if (value.isString()) {
			values.add(value.asString());
		}
		for (JsonNode each : acr.path("values")) {
			if (each.isString()) {
				values.add(each.asString());
			}
		}
		return values;
	}

	/** §5.5.1: {@code essential} a boolean, {@code values} an array. */
	private static boolean shapeOk(JsonNode request) {
		JsonNode essential = request.get("essential");
		JsonNode values = request.get("values");
		return (essential == null || essential.isBoolean()) && (values == null || values.isArray());
	}

}
