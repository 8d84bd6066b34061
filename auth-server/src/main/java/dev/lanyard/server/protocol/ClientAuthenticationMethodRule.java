package dev.lanyard.server.protocol;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Runs before the framework's client-authentication converters, which take the first
 * method they recognise and ignore the rest:
 * <ul>
 * <li>RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each
 * request." A request carrying several (Basic header, {@code client_secret},
 * {@code client_assertion}) is refused with {@code invalid_request}.</li>
 * <li>RFC 6749 §5.2: a client that attempted to authenticate and failed gets
 * {@code invalid_client} (401). A malformed {@code Authorization: Basic} header is such
 * an attempt, not a malformed request.</li>
 * </ul>
 * Returns {@code null} otherwise, so the framework's converters read the credentials.
 */
final class ClientAuthenticationMethodRule implements AuthenticationConverter {

	@Override
	public Authentication convert(HttpServletRequest request) {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		boolean basic = isBasic(authorization);
		int methods = (basic ? 1 : 0) + (request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null ? 1 : 0)
				+ (request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION) != null ? 1 : 0);
		if (methods > 1) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
					"Use exactly one client authentication method", null));
		}
		if (basic && !wellFormedBasic(authorization)) {
			throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
		}
		return null;
	}

	/**
	 * Whether an Authorization header uses the Basic scheme (RFC 7617), well formed or
	 * not.
	 */
	static boolean isBasic(String authorization) {
		return authorization != null && authorization.regionMatches(true, 0, "Basic", 0, 5)
				&& (authorization.length() == 5 || Character.isWhitespace(authorization.charAt(5)));
	}

	/**
	 * RFC 7617 §2 with RFC 6749 §2.3.1's form-encoding:
	 * {@code Basic base64(urlenc(id):urlenc(secret))}.
	 */
	private static boolean wellFormedBasic(String header) {
		String[] parts = header.split("\\s");
		if (parts.length != 2) {
			return false;
		}
		try {
			String credentials = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
			int colon = credentials.indexOf(':');
			if (colon <= 0 || colon == credentials.length() - 1) {
				return false;
			}
			URLDecoder.decode(credentials.substring(0, colon), StandardCharsets.UTF_8);
			URLDecoder.decode(credentials.substring(colon + 1), StandardCharsets.UTF_8);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
