package dev.lanyard.server.protocol;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Refuses at the pushed authorization request endpoint a request object ({@code request},
 * RFC 9126 §3 with RFC 9101) that {@link RequestObjectParameters} did not take:
 * {@code invalid_request_object} when it failed its rules, {@code invalid_request} from a
 * client without keys — as JSON (RFC 9126 §2.3). Returns {@code null} otherwise, so the
 * framework reads the request with the authorization endpoint's rules.
 */
final class PushedRequestCheck implements AuthenticationConverter {

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
		return null;
	}

}
