package dev.lanyard.server.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AuthorizationCodeRequestAuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads a pushed authorization request (RFC 9126) at {@code /oauth2/par}, in place of the
 * framework's converter, which it calls:
 * <ul>
 * <li>a request object ({@code request}) that {@link RequestObjectParameters} did not
 * take is refused: {@code invalid_request_object} when it failed its rules,
 * {@code invalid_request} from a client without keys; one it took must be the
 * authenticated client's (RFC 9126 §3), else {@code invalid_request};</li>
 * <li>the client's credentials ({@code client_secret}, {@code client_assertion}) are not
 * part of the request: without this the framework keeps every other form parameter with
 * the pushed request, and a secret would be stored in clear.</li>
 * </ul>
 * Errors are JSON (RFC 9126 §2.3).
 */
final class PushedRequestCheck implements AuthenticationConverter {

	private static final List<String> CREDENTIALS = List.of(OAuth2ParameterNames.CLIENT_SECRET,
			OAuth2ParameterNames.CLIENT_ASSERTION, OAuth2ParameterNames.CLIENT_ASSERTION_TYPE);

	private final AuthenticationConverter framework = new OAuth2AuthorizationCodeRequestAuthenticationConverter();

	@Override
	public Authentication convert(HttpServletRequest request) {
		if (RequestObjectParameters.refusal(request) != null) {
			throw new OAuth2AuthenticationException(
					new OAuth2Error("invalid_request_object", "The request object is not valid", null));
		}
		if (request.getParameter("request") != null) {
			// Still here: the client has no keys to check it with.
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
					"Request objects are taken from clients with registered keys", null));
		}
		if ("object".equals(ReplacedAuthorizationRequest.kind(request))
				&& SecurityContextHolder.getContext()
					.getAuthentication() instanceof OAuth2ClientAuthenticationToken client
				&& client.getRegisteredClient() != null
				&& !client.getRegisteredClient()
					.getClientId()
					.equals(request.getParameter(OAuth2ParameterNames.CLIENT_ID))) {
			throw new OAuth2AuthenticationException(
					new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, "The request object is another client's", null));
		}
		Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameterMap());
		parameters.keySet().removeAll(CREDENTIALS);
		return this.framework.convert(new ReplacedParameters(request, parameters));
	}

}
