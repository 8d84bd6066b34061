package dev.lanyard.server.protocol;

import java.util.Set;
import java.util.function.Consumer;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.util.StringUtils;

/**
 * Refuses response modes other than {@code query}: Lanyard answers authorization requests
 * only in the query string, and silently answering in another mode than the client asked
 * for would be worse than refusing (OWASP ASVS 5.0 §10.4.12). Runs after the framework's
 * redirect URI check, so the error is redirected only to a registered URI.
 */
final class ResponseModeValidator implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

	private static final Set<String> SUPPORTED = Set.of("query");

	@Override
	public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
		OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
		Object responseMode = request.getAdditionalParameters().get("response_mode");
		if (responseMode == null || (responseMode instanceof String mode && SUPPORTED.contains(mode))) {
			return;
		}
		String redirectUri = StringUtils.hasText(request.getRedirectUri()) ? request.getRedirectUri()
				: context.getRegisteredClient().getRedirectUris().iterator().next();
		OAuth2AuthorizationCodeRequestAuthenticationToken failed = new OAuth2AuthorizationCodeRequestAuthenticationToken(
				request.getAuthorizationUri(), request.getClientId(),
				(org.springframework.security.core.Authentication) request.getPrincipal(), redirectUri,
				request.getState(), request.getScopes(), request.getAdditionalParameters());
		throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
				"Unsupported response_mode; Lanyard answers in the query", null), failed);
	}

}
