package dev.lanyard.server.protocol;

import java.text.ParseException;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.key.SigningKeyService;
import dev.lanyard.server.login.PendingLogout;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * OpenID Connect RP-Initiated Logout at {@code /connect/logout}, through the framework's
 * logout endpoint. The request is validated here; the user then confirms on the logout
 * page (a CSRF-protected form), which ends the login session, revokes the tokens issued
 * in it, and only then returns to the client. A {@code post_logout_redirect_uri} is
 * honoured only if it exactly matches one the client registered (RP-Initiated Logout 1.0
 * §3), so logout can never become an open redirect.
 */
final class RpInitiatedLogout {

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

	static AuthenticationProvider provider(SigningKeyService keys, RegisteredClientRepository clients) {
		return new AuthenticationProvider() {

			@Override
			public Authentication authenticate(Authentication authentication) {
				RpInitiatedLogoutRequest request = (RpInitiatedLogoutRequest) authentication;
				RegisteredClient client = null;
				JWTClaimsSet hint = (request.idTokenHint() != null) ? verifiedHint(request.idTokenHint(), keys) : null;
				// A hint signed by a key no longer published (retired long enough ago to
				// leave the JWKS, or withdrawn) cannot be checked: it names nobody, as if
				// absent. The person is still asked to confirm, and is sent back to a
				// client only one the request names itself. It was an error page, and the
				// person stayed signed in.
				boolean uncheckable = request.idTokenHint() != null && hint == null;
				if (hint != null) {
					client = clients.findByClientId(hintedClientId(hint));
					if (client == null) {
						throw error("id_token_hint");
					}
					if (request.user() != null && !request.user().getName().equals(hint.getSubject())) {
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
				String redirectUri = (uncheckable && request.clientId() == null) ? null
						: request.postLogoutRedirectUri();
				if (redirectUri != null
						&& (client == null || !client.getPostLogoutRedirectUris().contains(redirectUri))) {
					throw error("post_logout_redirect_uri");
				}
				return new RpInitiatedLogoutRequest(request.user(), null,
						(client != null) ? client.getClientId() : null,
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
						logout.state(), null);
				response.sendRedirect(finished.finishLocation(request.getContextPath()));
				return;
			}
			request.getSession()
				.setAttribute(PendingLogout.SESSION_ATTRIBUTE,
						PendingLogout.waiting(logout.clientName(), logout.postLogoutRedirectUri(), logout.state()));
			response.setStatus(HttpServletResponse.SC_SEE_OTHER);
			response.setHeader("Location", request.getContextPath() + "/logout");
		};
	}

	static AuthenticationFailureHandler errorHandler() {
		return (HttpServletRequest request, HttpServletResponse response, AuthenticationException exception) -> {
			OAuth2Error error = (exception instanceof OAuth2AuthenticationException oauth2) ? oauth2.getError()
					: new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST);
			OAuthErrorPage.send(request, response, error);
		};
	}

	/**
	 * The claims of an ID token this server issued, or {@code null} when it is signed by
	 * a key no longer published (nothing to check it with). RP-Initiated Logout 1.0 §2:
	 * "The OP need not be listed as an audience of the ID Token" and the hint may have
	 * expired, so the token is checked only for this server's signature (against the
	 * published keys, which include recently retired ones) and issuer. It need not be the
	 * grant's latest ID token: a client that refreshed may still hold the first one.
	 */
	private static JWTClaimsSet verifiedHint(String hint, SigningKeyService keys) {
		try {
			SignedJWT jwt = SignedJWT.parse(hint);
			if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || jwt.getHeader().getKeyID() == null
					|| !anIdToken(jwt.getHeader().getType())) {
				throw error("id_token_hint");
			}
			JWK key = keys.publishedKeys().getKeyByKeyId(jwt.getHeader().getKeyID());
			if (key == null) {
				return null;
			}
			if (!(key instanceof RSAKey rsa) || !jwt.verify(new RSASSAVerifier(rsa))) {
				throw error("id_token_hint");
			}
			JWTClaimsSet claims = jwt.getJWTClaimsSet();
			if (!AuthorizationServerContextHolder.getContext().getIssuer().equals(claims.getIssuer())
					|| claims.getSubject() == null) {
				throw error("id_token_hint");
			}
			return claims;
		}
		catch (ParseException | JOSEException ex) {
			throw error("id_token_hint");
		}
	}

	/**
	 * Whether a token of this server's, by its {@code typ}, may be an ID token (which
	 * carries none, or {@code JWT}): the same keys sign back-channel logout tokens
	 * ({@code logout+jwt}, sent to clients) and exchanged JWTs ({@code at+jwt}), which
	 * must not pass for one (RFC 8725 §3.11: explicit typing keeps one kind of JWT from
	 * being taken for another).
	 */
	private static boolean anIdToken(JOSEObjectType type) {
		return type == null || JOSEObjectType.JWT.equals(type);
	}

	/**
	 * The client an ID token was issued to: its single audience, or its {@code azp} (OIDC
	 * Core §2).
	 */
	private static String hintedClientId(JWTClaimsSet hint) {
		List<String> audience = hint.getAudience();
		Object authorizedParty = hint.getClaim("azp");
		if (audience.size() == 1 && (authorizedParty == null || audience.get(0).equals(authorizedParty))) {
			return audience.get(0);
		}
		if (authorizedParty instanceof String party && audience.contains(party)) {
			return party;
		}
		throw error("id_token_hint");
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
		return new OAuth2AuthenticationException(
				new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, "Invalid logout parameter: " + parameter, null));
	}

}
