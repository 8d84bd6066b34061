package dev.lanyard.server.protocol;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Runs first at the authorization endpoint and refuses, on the error page, an
 * authorization request from a client that is not registered for the authorization code
 * grant. The framework checks this too, but first looks for a redirect URI to send the
 * error to, and a client without the grant usually has none (that ended in a 500). RFC
 * 6749 §4.1.2.1: with no valid redirect URI the error is shown to the person, not
 * redirected. Returns {@code null} otherwise, so the framework's converters read the
 * request.
 */
final class AuthorizationCodeGrantCheck implements AuthenticationConverter {

	private final RegisteredClientRepository clients;

	AuthorizationCodeGrantCheck(RegisteredClientRepository clients) {
		this.clients = clients;
	}

	@Override
	public Authentication convert(HttpServletRequest request) {
		String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
		if (request.getParameter(OAuth2ParameterNames.RESPONSE_TYPE) == null || clientIds == null
				|| clientIds.length != 1) {
			return null;
		}
		RegisteredClient client = this.clients.findByClientId(clientIds[0]);
		if (client != null
				&& !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.AUTHORIZATION_CODE)) {
			throw new OAuth2AuthenticationException(
					new OAuth2Error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT, "OAuth 2.0 Parameter: client_id", null));
		}
		return null;
	}

}
