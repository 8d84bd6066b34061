package dev.lanyard.server.protocol;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Refuses at the pushed authorization request endpoint what Lanyard does not take there:
 * a request object ({@code request}, RFC 9126 §3 with RFC 9101), with
 * {@code invalid_request} as JSON (RFC 9126 §2.3). Returns {@code null} otherwise, so the
 * framework reads the request with the authorization endpoint's rules.
 */
final class PushedRequestCheck implements AuthenticationConverter {

	@Override
	public Authentication convert(HttpServletRequest request) {
		if (request.getParameter("request") != null) {
			throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
					"Request objects are not supported; push the parameters themselves", null));
		}
		return null;
	}

}
