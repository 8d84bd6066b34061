package dev.lanyard.server.protocol;

import java.util.Map;
import java.util.Set;

import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Answers with an error redirect, once the client and its redirect URI are known (RFC
 * 6749 §4.1.2.1: errors go to the client once its redirect URI is validated; the
 * framework would refuse before that, on the error page), an authorization request that
 * asks for what Lanyard does not do:
 * <ul>
 * <li>a response type other than {@code code} (tokens come by the code flow only):
 * {@code unsupported_response_type};</li>
 * <li>a request object, by value ({@code request}, RFC 9101 §5.1):
 * {@code request_not_supported}, or by reference ({@code request_uri}):
 * {@code request_uri_not_supported} (OpenID Connect Core §3.1.2.6; discovery says both
 * are unsupported), unless the {@code request_uri} is one the pushed authorization
 * request endpoint issued (RFC 9126), which the framework checks. Without this the
 * framework reads the outer parameters only and fails on the first one that lives inside
 * the object.</li>
 * <li>from a client that must push its requests (RFC 9126 §6,
 * {@code require_pushed_authorization_requests}), a request that was not pushed:
 * {@code invalid_request}.</li>
 * </ul>
 * The redirect URI must be exactly one of the client's, or be left out by a client that
 * has only one. Anything less certain stays the error page. Returns {@code null}
 * otherwise, so the framework's converters read the request.
 */
final class UnsupportedRequestCheck implements AuthenticationConverter {

	/** RFC 9101 §5.1. */
	private static final String REQUEST = "request";

	private static final String REQUEST_URI = "request_uri";

	/** OpenID Connect Core §3.1.2.6. */
	private static final String REQUEST_NOT_SUPPORTED = "request_not_supported";

	private static final String REQUEST_URI_NOT_SUPPORTED = "request_uri_not_supported";

	/** RFC 9101 §6.3, OpenID Connect Core §3.1.2.6. */
	private static final String INVALID_REQUEST_OBJECT = "invalid_request_object";

	private final RegisteredClientRepository clients;

	UnsupportedRequestCheck(RegisteredClientRepository clients) {
		this.clients = clients;
	}

	@Override
	public Authentication convert(HttpServletRequest request) {
		if (!"GET".equals(request.getMethod()) && request.getQueryString() != null) {
			// OpenID Connect Core §3.1.2.1: a POSTed request is form-serialized.
			// Parameters
			// in the query as well would be read by the framework and by Lanyard's rules
			// differently (the framework takes a name found in the query as no form
			// parameter).
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
					"A POSTed authorization request carries its parameters in the body only", null));
		}
		String[] responseTypes = request.getParameterValues(OAuth2ParameterNames.RESPONSE_TYPE);
		String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
		String[] redirectUris = request.getParameterValues(OAuth2ParameterNames.REDIRECT_URI);
		String[] states = request.getParameterValues(OAuth2ParameterNames.STATE);
		if (clientIds == null || clientIds.length != 1) {
			return null;
		}
		RegisteredClient client = this.clients.findByClientId(clientIds[0]);
		if (client == null
				|| !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.AUTHORIZATION_CODE)) {
			return null;
		}
		// RFC 9126 §6: this client's requests come through /oauth2/par only — a request
		// whose parameters are a stored pushed request's, whatever else it looks like.
		boolean notPushed = LanyardRegisteredClientRepository.requirePushedAuthorizationRequests(client)
				&& !PushedRequestParameters.substituted(request);
		String error = notPushed ? OAuth2ErrorCodes.INVALID_REQUEST : refusal(request, responseTypes);
		if (error == null) {
			return null;
		}
		String redirectUri = (redirectUris == null) ? onlyOne(client.getRedirectUris())
				: (redirectUris.length == 1) ? redirectUris[0] : null;
		if (redirectUri == null || !client.getRedirectUris().contains(redirectUri)
				|| (states != null && states.length != 1)) {
			if (notPushed) {
				// No redirect URI to trust: the error page.
				throw new OAuth2AuthenticationException(new OAuth2Error(error, description(error), null));
			}
			return null;
		}
		OAuth2AuthorizationCodeRequestAuthenticationToken failed = new OAuth2AuthorizationCodeRequestAuthenticationToken(
				request.getRequestURL().toString(), client.getClientId(),
				new AnonymousAuthenticationToken("lanyard", "anonymousUser",
						AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")),
				redirectUri, (states != null) ? states[0] : null, Set.of(), Map.of());
		throw new OAuth2AuthorizationCodeRequestAuthenticationException(
				new OAuth2Error(error, description(error), null), failed);
	}

	/** The error to answer, or {@code null} for a request the framework should read. */
	private static String refusal(HttpServletRequest request, String[] responseTypes) {
		if (PushedRequestParameters.isPushed(request)) {
			// Issued by /oauth2/par (RFC 9126): the framework checks it.
			return null;
		}
		if (responseTypes != null && (responseTypes.length != 1 || !"code".equals(responseTypes[0]))) {
			return (responseTypes.length == 1) ? OAuth2ErrorCodes.UNSUPPORTED_RESPONSE_TYPE : null;
		}
		if (RequestObjectParameters.refusal(request) != null) {
			return INVALID_REQUEST_OBJECT;
		}
		if (request.getParameter(REQUEST) != null) {
			// From a client without registered keys: nothing to check it with.
			return REQUEST_NOT_SUPPORTED;
		}
		if (request.getParameter(REQUEST_URI) != null) {
			return REQUEST_URI_NOT_SUPPORTED;
		}
		return null;
	}

	private static String description(String error) {
		return switch (error) {
			case REQUEST_NOT_SUPPORTED ->
				"Request objects are taken from clients with registered keys; send the parameters themselves";
			case INVALID_REQUEST_OBJECT -> "The request object is not valid";
			case REQUEST_URI_NOT_SUPPORTED ->
				"Only a request_uri issued by the pushed authorization request endpoint is taken";
			case OAuth2ErrorCodes.INVALID_REQUEST ->
				"This client must push its authorization requests to the pushed authorization request endpoint first";
			default -> "OAuth 2.0 Parameter: response_type";
		};
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
