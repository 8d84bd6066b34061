package dev.lanyard.server.dpop;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Refuses a token request that names a DPoP proof, method or URL among its parameters,
 * first among the token endpoint's converters. The framework hands a request's DPoP
 * header on to its grant providers under these names, beside the request's own
 * parameters, and keeps a client's own values when no header came: a proof made for
 * another server would then be checked against the method and URL it names itself (RFC
 * 9449 §4.3 asks for this request's). A proof travels in the {@code DPoP} header only.
 */
public final class DPoPParameterCheck implements AuthenticationConverter {

	private static final List<String> NAMES = List.of("dpop_proof", "dpop_method", "dpop_target_uri");

	@Override
	public Authentication convert(HttpServletRequest request) {
		for (String name : NAMES) {
			if (request.getParameterValues(name) != null) {
				throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
						"A DPoP proof is sent in the DPoP header, not as a parameter", null));
			}
		}
		// Not a decision: the framework's converters read the request.
		return null;
	}

}
