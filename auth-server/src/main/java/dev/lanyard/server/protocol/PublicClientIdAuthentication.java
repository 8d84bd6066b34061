package dev.lanyard.server.protocol;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Lets public clients use and revoke their refresh tokens, and devices (RFC 8628) ask and
 * poll. The framework authenticates a public client only by its PKCE
 * {@code code_verifier}, which a refresh request does not carry; RFC 6749 §6 lets a
 * public client refresh with just its {@code client_id}, and RFC 9700 §4.14.2 makes that
 * safe by rotating the refresh token on every use (which Lanyard does, with reuse
 * detection).
 */
final class PublicClientIdAuthentication {

	private PublicClientIdAuthentication() {
	}

	/**
	 * Reads {@code client_id} from a request that carries no client credentials, at these
	 * endpoints only: a refresh or a device's poll (RFC 8628 §3.4) at the token endpoint,
	 * the device authorization endpoint (RFC 8628 §3.1: devices are usually public
	 * clients), and revocation (RFC 7009 §2.1 lets a public client revoke its own
	 * tokens). Never at introspection, which RFC 7662 §2.1 reserves for authenticated
	 * clients.
	 */
	static AuthenticationConverter converter(AuthorizationServerSettings settings) {
		return (HttpServletRequest request) -> {
			String path = request.getServletPath();
			String grantType = request.getParameter(OAuth2ParameterNames.GRANT_TYPE);
			boolean withoutCodeVerifier = settings.getTokenEndpoint().equals(path)
					&& (AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(grantType)
							|| AuthorizationGrantType.DEVICE_CODE.getValue().equals(grantType));
			if (!"POST".equals(request.getMethod())
					|| !(withoutCodeVerifier || settings.getTokenRevocationEndpoint().equals(path)
							|| settings.getDeviceAuthorizationEndpoint().equals(path))
					|| request.getHeader(HttpHeaders.AUTHORIZATION) != null
					|| request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
					|| request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION) != null) {
				return null;
			}
			String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
			if (clientIds == null) {
				return null;
			}
			if (clientIds.length != 1 || clientIds[0].isEmpty()) {
				throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_REQUEST);
			}
			return new OAuth2ClientAuthenticationToken(clientIds[0], ClientAuthenticationMethod.NONE, null, null);
		};
	}

	/**
	 * Authenticates a registered public client named in a refresh, device or revocation
	 * request.
	 */
	static AuthenticationProvider provider(RegisteredClientRepository clients) {
		return new AuthenticationProvider() {

			@Override
			public Authentication authenticate(Authentication authentication) {
				OAuth2ClientAuthenticationToken request = (OAuth2ClientAuthenticationToken) authentication;
				if (!ClientAuthenticationMethod.NONE.equals(request.getClientAuthenticationMethod())
						|| request.getAdditionalParameters() != null && !request.getAdditionalParameters().isEmpty()) {
					// Not ours: PKCE token requests carry code_verifier in the
					// parameters.
					return null;
				}
				RegisteredClient client = clients.findByClientId((String) request.getPrincipal());
				if (client == null
						|| !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
					throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
				}
				return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
			}

			@Override
			public boolean supports(Class<?> authentication) {
				return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
			}

		};
	}

}
