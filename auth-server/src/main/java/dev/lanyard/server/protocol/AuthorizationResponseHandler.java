package dev.lanyard.server.protocol;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.util.StringUtils;

/**
 * Sends authorization responses, successful and failed, with the {@code iss} parameter
 * (RFC 9207 §2: "the authorization server MUST include the iss parameter in every
 * authorization response", so a client can tell which server answered and mix-up attacks
 * fail). An error that cannot be redirected (unknown client, unregistered redirect URI)
 * is shown on a friendly error page instead (RFC 6749 §4.1.2.1).
 */
final class AuthorizationResponseHandler implements AuthenticationSuccessHandler, AuthenticationFailureHandler {

	@Override
	public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
			Authentication authentication) throws IOException {
		OAuth2AuthorizationCodeRequestAuthenticationToken result = (OAuth2AuthorizationCodeRequestAuthenticationToken) authentication;
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put(OAuth2ParameterNames.CODE, result.getAuthorizationCode().getTokenValue());
		redirect(response, result.getRedirectUri(), parameters, result.getState());
	}

	@Override
	public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
			AuthenticationException exception) throws IOException {
		OAuth2Error error = ((OAuth2AuthenticationException) exception).getError();
		OAuth2AuthorizationCodeRequestAuthenticationToken failed = (exception instanceof OAuth2AuthorizationCodeRequestAuthenticationException codeRequestException)
				? codeRequestException.getAuthorizationCodeRequestAuthentication() : null;
		if (failed == null || !StringUtils.hasText(failed.getRedirectUri())) {
			OAuthErrorPage.send(request, response, error);
			return;
		}
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put(OAuth2ParameterNames.ERROR, error.getErrorCode());
		if (StringUtils.hasText(error.getDescription())) {
			parameters.put(OAuth2ParameterNames.ERROR_DESCRIPTION, error.getDescription());
		}
		boolean fragment = OAuth2ErrorCodes.UNSUPPORTED_RESPONSE_TYPE.equals(error.getErrorCode())
				&& UnsupportedRequestCheck.usesFragment(request.getParameter(OAuth2ParameterNames.RESPONSE_TYPE));
		redirect(response, failed.getRedirectUri(), parameters, failed.getState(), fragment);
	}

	private static void redirect(HttpServletResponse response, String redirectUri, Map<String, String> parameters,
			String state) {
		redirect(response, redirectUri, parameters, state, false);
	}

	private static void redirect(HttpServletResponse response, String redirectUri, Map<String, String> parameters,
			String state, boolean fragment) {
		// RFC 6749 §4.1.2: state is returned exactly as received, and only if it was
		// sent.
		if (StringUtils.hasText(state)) {
			parameters.put(OAuth2ParameterNames.STATE, state);
		}
		parameters.put("iss", AuthorizationServerContextHolder.getContext().getIssuer());
		// RFC 9700 §4.12: 302/303, never 307, so credentials are not re-posted.
		response.setStatus(HttpServletResponse.SC_FOUND);
		response.setHeader("Location", fragment ? RedirectUriParameters.appendFragment(redirectUri, parameters)
				: RedirectUriParameters.append(redirectUri, parameters));
	}

}
