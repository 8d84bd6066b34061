package dev.lanyard.server.protocol;

import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.web.authentication.JwtClientAssertionAuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads a client assertion (RFC 7523 §2.2) the way the RFC allows it to be sent: with or
 * without {@code client_id}. The framework's converter requires {@code client_id}; RFC
 * 7523 §3 makes the assertion's {@code sub} the client id, so when {@code client_id} is
 * absent it is taken from there (unverified: it only picks the client whose keys must
 * then verify the signature, and the claims rules require {@code iss} and {@code sub} to
 * be that client). Relying-party libraries such as nimbus's OAuth 2.0 SDK send no
 * {@code client_id} with an assertion.
 */
final class ClientAssertionClientId implements AuthenticationConverter {

	private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	private final AuthenticationConverter framework = new JwtClientAssertionAuthenticationConverter();

	@Override
	public Authentication convert(HttpServletRequest request) {
		String assertion = request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION);
		if (assertion == null || request.getParameter(OAuth2ParameterNames.CLIENT_ID) != null
				|| !JWT_BEARER.equals(request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION_TYPE))) {
			return this.framework.convert(request);
		}
		String subject;
		try {
			// Only a signed JWT can be a client assertion (an encrypted one has no
			// readable claims here).
			subject = (JWTParser.parse(assertion) instanceof SignedJWT signed && signed.getJWTClaimsSet() != null)
					? signed.getJWTClaimsSet().getSubject() : null;
		}
		catch (ParseException ex) {
			// RFC 6749 §5.2: the client tried to authenticate and failed.
			throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
		}
		if (subject == null || subject.isEmpty()) {
			throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
		}
		Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameterMap());
		parameters.put(OAuth2ParameterNames.CLIENT_ID, new String[] { subject });
		return this.framework.convert(new ReplacedParameters(request, parameters));
	}

}
