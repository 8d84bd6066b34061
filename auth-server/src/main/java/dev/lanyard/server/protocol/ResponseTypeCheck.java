package dev.lanyard.server.protocol;

import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Answers an authorization request for a response type other than {@code code} (Lanyard
 * issues tokens by the code flow only) with an error redirect,
 * {@code unsupported_response_type}, when the client and its redirect URI are known: RFC
 * 6749 §4.1.2.1 sends errors to the client once its redirect URI is validated (the
 * framework refused before that, on the error page). The redirect URI must be exactly one
 * of the client's, or be left out by a client that has only one. Anything less certain
 * stays the error page. Returns {@code null} otherwise, so the framework's converters
 * read the request.
 */
final class ResponseTypeCheck implements AuthenticationConverter {

	private final RegisteredClientRepository clients;

	ResponseTypeCheck(RegisteredClientRepository clients) {
		this.clients = clients;
	}

	@Override
	public Authentication convert(HttpServletRequest request) {
		String[] responseTypes = request.getParameterValues(OAuth2ParameterNames.RESPONSE_TYPE);
		String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
		String[] redirectUris = request.getParameterValues(OAuth2ParameterNames.REDIRECT_URI);
		String[] states = request.getParameterValues(OAuth2ParameterNames.STATE);
		if (responseTypes == null || responseTypes.length != 1 || "code".equals(responseTypes[0]) || clientIds == null
				|| clientIds.length != 1 || (redirectUris != null && redirectUris.length != 1)
				|| (states != null && states.length != 1)) {
			return null;
		}
		RegisteredClient client = this.clients.findByClientId(clientIds[0]);
		if (client == null
				|| !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.AUTHORIZATION_CODE)) {
			return null;
		}
		String redirectUri = (redirectUris != null) ? redirectUris[0] : onlyOne(client.getRedirectUris());
		if (redirectUri == null || !client.getRedirectUris().contains(redirectUri)) {
			return null;
		}
		OAuth2AuthorizationCodeRequestAuthenticationToken failed = new OAuth2AuthorizationCodeRequestAuthenticationToken(
				request.getRequestURL().toString(), client.getClientId(),
				new AnonymousAuthenticationToken("lanyard", "anonymousUser",
						AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")),
				redirectUri, (states != null) ? states[0] : null, Set.of(), Map.of());
		throw new OAuth2AuthorizationCodeRequestAuthenticationException(
				new OAuth2Error(OAuth2ErrorCodes.UNSUPPORTED_RESPONSE_TYPE, "OAuth 2.0 Parameter: response_type", null),
				failed);
	}

	/**
	 * The response mode an error for this response type uses by default: the fragment for
	 * every type that returns a token from the authorization endpoint (OAuth 2.0 Multiple
	 * Response Type Encoding Practices §2.1, §5), the query otherwise.
	 */
	static boolean usesFragment(String responseType) {
		if (responseType == null) {
			return false;
		}
		for (String part : responseType.split(" ")) {
			if ("token".equals(part) || "id_token".equals(part)) {
				return true;
			}
		}
		return false;
	}

	private static String onlyOne(Set<String> redirectUris) {
		return (redirectUris.size() == 1) ? redirectUris.iterator().next() : null;
	}

}
