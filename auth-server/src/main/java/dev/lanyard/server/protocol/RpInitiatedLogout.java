package dev.lanyard.server.protocol;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import dev.lanyard.server.login.PendingLogout;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * OpenID Connect RP-Initiated Logout at {@code /connect/logout}, through the framework's
 * logout endpoint. The request is validated here; the user then confirms on the logout page
 * (a CSRF-protected form), which ends the login session, revokes the tokens issued in it,
 * and only then returns to the client. A {@code post_logout_redirect_uri} is honoured only
 * if it exactly matches one the client registered (RP-Initiated Logout 1.0 §3), so logout
 * can never become an open redirect.
 */
final class RpInitiatedLogout {

	private static final OAuth2TokenType ID_TOKEN = new OAuth2TokenType("id_token");

	private RpInitiatedLogout() {
	}

	static AuthenticationConverter converter() {
		return (HttpServletRequest request) -> {
			Authentication user = SecurityContextHolder.getContext().getAuthentication();
			if (user instanceof AnonymousAuthenticationToken || user == null || !user.isAuthenticated()) {
				user = null;
			}
			return new RpInitiatedLogoutRequest(user, single(request, "id_token_hint"),
					single(request, OAuth2ParameterNames.CLIENT_ID), null, single(request, "post_logout_redirect_uri"),
					single(request, OAuth2ParameterNames.STATE), false);
		};
	}

	static AuthenticationProvider provider(OAuth2AuthorizationService authorizations,
			RegisteredClientRepository clients) {
		return new AuthenticationProvider() {

			@Override
			public Authentication authenticate(Authentication authentication) {
				RpInitiatedLogoutRequest request = (RpInitiatedLogoutRequest) authentication;
				RegisteredClient client = null;
				if (request.idTokenHint() != null) {
					OAuth2Authorization authorization = authorizations.findByToken(request.idTokenHint(), ID_TOKEN);
					OAuth2Authorization.Token<OidcIdToken> idToken = (authorization != null)
							? authorization.getToken(OidcIdToken.class) : null;
					if (idToken == null) {
						throw error("id_token_hint");
					}
					client = clients.findById(authorization.getRegisteredClientId());
					if (client == null || !idToken.getToken().getAudience().contains(client.getClientId())) {
						throw error("id_token_hint");
					}
					if (request.user() != null && !request.user().getName().equals(authorization.getPrincipalName())) {
						// The hint names someone other than the signed-in user.
						throw error("id_token_hint");
					}
				}
				if (request.clientId() != null) {
					if (client != null && !client.getClientId().equals(request.clientId())) {
						throw error(OAuth2ParameterNames.CLIENT_ID);
					}
					client = (client != null) ? client : clients.findByClientId(request.clientId());
					if (client == null) {
						throw error(OAuth2ParameterNames.CLIENT_ID);
					}
				}
				String redirectUri = request.postLogoutRedirectUri();
				if (redirectUri != null
						&& (client == null || !client.getPostLogoutRedirectUris().contains(redirectUri))) {
					throw error("post_logout_redirect_uri");
				}
				return new RpInitiatedLogoutRequest(request.user(), null, (client != null) ? client.getClientId() : null,
						(client != null) ? client.getClientName() : null, redirectUri, request.state(), true);
			}

			@Override
			public boolean supports(Class<?> authentication) {
				return RpInitiatedLogoutRequest.class.isAssignableFrom(authentication);
			}

		};
	}

	/** Asks the signed-in user to confirm; with nobody signed in, finishes at once. */
	static AuthenticationSuccessHandler responseHandler() {
		return (request, response, authentication) -> {
			RpInitiatedLogoutRequest logout = (RpInitiatedLogoutRequest) authentication;
			if (logout.user() == null) {
				PendingLogout finished = new PendingLogout(logout.clientName(), logout.postLogoutRedirectUri(),
						logout.state());
				response.sendRedirect(finished.finishLocation(request.getContextPath()));
				return;
			}
			request.getSession()
				.setAttribute(PendingLogout.SESSION_ATTRIBUTE,
						new PendingLogout(logout.clientName(), logout.postLogoutRedirectUri(), logout.state()));
			response.setStatus(HttpServletResponse.SC_SEE_OTHER);
			response.setHeader("Location", request.getContextPath() + "/logout");
		};
	}

	static AuthenticationFailureHandler errorHandler() {
		return (HttpServletRequest request, HttpServletResponse response, AuthenticationException exception) -> {
			OAuth2Error error = (exception instanceof OAuth2AuthenticationException oauth2)
					? oauth2.getError() : new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST);
			OAuthErrorPage.send(request, response, error);
		};
	}

	private static String single(HttpServletRequest request, String name) {
		String[] values = request.getParameterValues(name);
		if (values == null || values.length == 0 || values[0].isEmpty()) {
			return null;
		}
		if (values.length > 1) {
			throw error(name);
		}
		return values[0];
	}

	private static OAuth2AuthenticationException error(String parameter) {
		return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
				"Invalid logout parameter: " + parameter, null));
	}

}
