package dev.lanyard.server.protocol;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.util.StringUtils;

/**
 * Errors of an authorization request, in the two forms
 * {@link AuthorizationResponseHandler} sends: redirected to the client, or shown on the
 * error page when there is no safe place to redirect to (RFC 6749 §4.1.2.1).
 */
final class AuthorizationErrors {

	private AuthorizationErrors() {
	}

	/** An error shown to the person on Lanyard's error page, never redirected. */
	static OAuth2AuthorizationCodeRequestAuthenticationException shownOnPage(
			OAuth2AuthorizationCodeRequestAuthenticationToken request, OAuth2Error error) {
		return new OAuth2AuthorizationCodeRequestAuthenticationException(error, withRedirectUri(request, null));
	}

	/**
	 * An error redirected to the client: to the requested redirect URI, which the
	 * redirect URI rule has already accepted, or else to the client's only registered
	 * one.
	 */
	static OAuth2AuthorizationCodeRequestAuthenticationException redirected(
			OAuth2AuthorizationCodeRequestAuthenticationContext context, OAuth2Error error) {
		OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
		String redirectUri = StringUtils.hasText(request.getRedirectUri()) ? request.getRedirectUri()
				: context.getRegisteredClient().getRedirectUris().stream().findFirst().orElse(null);
		return new OAuth2AuthorizationCodeRequestAuthenticationException(error, withRedirectUri(request, redirectUri));
	}

	private static OAuth2AuthorizationCodeRequestAuthenticationToken withRedirectUri(
			OAuth2AuthorizationCodeRequestAuthenticationToken request, String redirectUri) {
		return new OAuth2AuthorizationCodeRequestAuthenticationToken(request.getAuthorizationUri(),
				request.getClientId(), (Authentication) request.getPrincipal(), redirectUri, request.getState(),
				request.getScopes(), request.getAdditionalParameters());
	}

}
