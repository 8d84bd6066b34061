package dev.lanyard.server.protocol;

import java.io.Serial;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import dev.lanyard.server.PromptValues;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;

/**
 * Remembers the authorization request while the person signs in, GET or POST alike
 * (OpenID Connect Core §3.1.2.1: the authorization endpoint takes both). A POSTed request
 * is kept as the equivalent GET, so the sign-in resumes it at the same endpoint with the
 * same parameters; Spring Security's cache keeps GET requests only, and a POSTed request
 * used to end on the account page. Reading and removing are the framework's cache.
 */
final class AuthorizationRequestCache implements RequestCache {

	/**
	 * Where {@link HttpSessionRequestCache} keeps the request, read by the login flow.
	 */
	private static final String SAVED_REQUEST = "SPRING_SECURITY_SAVED_REQUEST";

	private final HttpSessionRequestCache framework = new HttpSessionRequestCache();

	/**
	 * Keeps authorization requests only: nothing else on this chain leads to the login
	 * page, and no other request (token, introspection, user info) should start a
	 * session.
	 */
	@Override
	public void saveRequest(HttpServletRequest request, HttpServletResponse response) {
		if (!"/oauth2/authorize".equals(request.getServletPath())) {
			return;
		}
		if (ReplacedAuthorizationRequest.brought(request) != null) {
			// Parameters from a pushed request or a request object: the way back carries
			// only what the browser brought, and the sign-in this leads to meets its
			// sign-in prompt.
			request.getSession().setAttribute(SAVED_REQUEST, new AuthorizationRequestAsGet(request));
			ReplacedAuthorizationRequest.rememberSignInAsked(request);
		}
		else if ("GET".equals(request.getMethod()) && !asksForSignIn(request)) {
			this.framework.saveRequest(request, response);
		}
		else if ("GET".equals(request.getMethod())
				|| "POST".equals(request.getMethod()) && request.getParameter("response_type") != null) {
			// The sign-in this leads to is the fresh one a prompt=login or max_age asks
			// for: resumed with them, the request would ask for another one, forever.
			request.getSession().setAttribute(SAVED_REQUEST, new AuthorizationRequestAsGet(request, true));
		}
	}

	/**
	 * Whether the request asks for a new sign-in ({@code prompt=login}, {@code max_age}).
	 */
	private static boolean asksForSignIn(HttpServletRequest request) {
		return request.getParameter("max_age") != null
				|| PromptValues.asksToSignInAgain(request.getParameter(PromptValues.PARAMETER));
	}

	/**
	 * Keeps an authorization request of a signed-in person who must sign in again, as the
	 * GET to resume after it, without the prompt values that asked for the new sign-in
	 * ({@link ReauthenticationFilter}).
	 */
	void saveWithoutSignInPrompt(HttpServletRequest request) {
		request.getSession().setAttribute(SAVED_REQUEST, new AuthorizationRequestAsGet(request, true));
	}

	@Override
	public SavedRequest getRequest(HttpServletRequest request, HttpServletResponse response) {
		return this.framework.getRequest(request, response);
	}

	@Override
	public HttpServletRequest getMatchingRequest(HttpServletRequest request, HttpServletResponse response) {
		return this.framework.getMatchingRequest(request, response);
	}

	@Override
	public void removeRequest(HttpServletRequest request, HttpServletResponse response) {
		this.framework.removeRequest(request, response);
	}

	/** A POSTed authorization request as the GET that carries the same parameters. */
	static final class AuthorizationRequestAsGet implements SavedRequest, Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

		private final String redirectUrl;

		private final LinkedHashMap<String, String[]> parameters;

		AuthorizationRequestAsGet(HttpServletRequest request) {
			this(request, false);
		}

		/**
		 * @param withoutSignInPrompt whether to drop what asked for a new sign-in:
		 * {@code login} and {@code select_account} from {@code prompt}, and
		 * {@code max_age}
		 */
		AuthorizationRequestAsGet(HttpServletRequest request, boolean withoutSignInPrompt) {
			Map<String, String[]> brought = ReplacedAuthorizationRequest.brought(request);
			this.parameters = new LinkedHashMap<>((brought != null) ? brought : request.getParameterMap());
			if (brought == null && PushedRequestParameters.isPushed(request)) {
				// RFC 9126: the pushed parameters stay on the server.
				this.parameters.keySet()
					.retainAll(List.of(OAuth2ParameterNames.CLIENT_ID, OAuth2ParameterNames.REQUEST_URI));
			}
			else if (brought == null && withoutSignInPrompt) {
				ReauthenticationFilter.dropSignInPrompt(this.parameters);
			}
			// Each name and value form-encoded whole: template encoding left "{...}" (a
			// claims request, a state) raw, which the container then refused, and a '+'
			// in a value came back as a space.
			StringJoiner query = new StringJoiner("&");
			this.parameters.forEach((name, values) -> {
				for (String value : values) {
					query.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
							+ URLEncoder.encode(value, StandardCharsets.UTF_8));
				}
			});
			this.redirectUrl = request.getRequestURL() + ((query.length() > 0) ? "?" + query : "");
		}

		@Override
		public String getRedirectUrl() {
			return this.redirectUrl;
		}

		@Override
		public List<Cookie> getCookies() {
			return List.of();
		}

		@Override
		public String getMethod() {
			return "GET";
		}

		@Override
		public List<String> getHeaderValues(String name) {
			return List.of();
		}

		@Override
		public Collection<String> getHeaderNames() {
			return List.of();
		}

		@Override
		public List<Locale> getLocales() {
			return List.of();
		}

		@Override
		public String[] getParameterValues(String name) {
			return this.parameters.get(name);
		}

		@Override
		public Map<String, String[]> getParameterMap() {
			return this.parameters;
		}

	}

}
