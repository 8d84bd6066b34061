package dev.lanyard.server.protocol;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Shows Lanyard's own authorization-endpoint rules the parameters of a pushed
 * authorization request (RFC 9126). The browser brings only {@code client_id} and the
 * {@code request_uri} the client got from {@code /oauth2/par}; RFC 9126 §4 says the
 * pushed parameters are the request, and the framework reads them from its store. The
 * sign-in rules ({@code prompt}, {@code max_age}), the language of the pages
 * ({@code ui_locales}) and the early refusals read request parameters, so for such a
 * request they see the pushed ones — and nothing else the browser sent. The framework
 * still decides: a {@code request_uri} that is unknown, expired, used or issued to
 * another client is refused by it, unchanged. ({@link ReplacedAuthorizationRequest}).
 */
final class PushedRequestParameters extends OncePerRequestFilter {

	/** RFC 9126 §2.2: the form of the {@code request_uri} the framework issues. */
	static final String REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:";

	private static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);

	/** What separates the expiry (epoch milliseconds) at the end of a request_uri. */
	private static final String EXPIRY_DELIMITER = "___";

	private final OAuth2AuthorizationService authorizations;

	PushedRequestParameters(OAuth2AuthorizationService authorizations) {
		this.authorizations = authorizations;
	}

	/**
	 * Whether this request's parameters were replaced by those of a pushed request found
	 * in the store (not merely whether it names one).
	 */
	static boolean substituted(HttpServletRequest request) {
		return "pushed".equals(ReplacedAuthorizationRequest.kind(request));
	}

	/** Whether a request names a pushed authorization request. */
	static boolean isPushed(HttpServletRequest request) {
		String requestUri = request.getParameter(OAuth2ParameterNames.REQUEST_URI);
		return requestUri != null && requestUri.startsWith(REQUEST_URI_PREFIX);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		// A POST with a query string is left as it came: UnsupportedRequestCheck refuses
		// it.
		return !"/oauth2/authorize".equals(request.getServletPath()) || !isPushed(request)
				|| (!"GET".equals(request.getMethod()) && request.getQueryString() != null);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String requestUri = request.getParameter(OAuth2ParameterNames.REQUEST_URI);
		String clientId = request.getParameter(OAuth2ParameterNames.CLIENT_ID);
		OAuth2Authorization pushed = this.authorizations.findByToken(requestUri.substring(REQUEST_URI_PREFIX.length()),
				STATE);
		OAuth2AuthorizationRequest stored = (pushed != null)
				? pushed.getAttribute(OAuth2AuthorizationRequest.class.getName()) : null;
		if (stored == null || !stored.getClientId().equals(clientId) || expired(requestUri)) {
			// The framework refuses it.
			chain.doFilter(request, response);
			return;
		}
		Map<String, String[]> parameters = new LinkedHashMap<>();
		parameters.put(OAuth2ParameterNames.RESPONSE_TYPE, new String[] { "code" });
		parameters.put(OAuth2ParameterNames.CLIENT_ID, new String[] { clientId });
		put(parameters, OAuth2ParameterNames.REDIRECT_URI, stored.getRedirectUri());
		put(parameters, OAuth2ParameterNames.SCOPE, String.join(" ", stored.getScopes()));
		put(parameters, OAuth2ParameterNames.STATE, stored.getState());
		stored.getAdditionalParameters().forEach((name, value) -> {
			if (value instanceof String[] values) {
				parameters.put(name, values);
			}
			else if (value != null) {
				parameters.put(name, new String[] { value.toString() });
			}
		});
		parameters.put(OAuth2ParameterNames.REQUEST_URI, new String[] { requestUri });
		ReplacedAuthorizationRequest.proceed(
				request, response, chain, parameters, "pushed", Map.of(OAuth2ParameterNames.CLIENT_ID,
						new String[] { clientId }, OAuth2ParameterNames.REQUEST_URI, new String[] { requestUri }),
				"request_uri:" + requestUri);
	}

	/** The framework writes the expiry into the request_uri it issues. */
	private boolean expired(String requestUri) {
		int delimiter = requestUri.lastIndexOf(EXPIRY_DELIMITER);
		try {
			return delimiter < 0 || Instant.ofEpochMilli(Long.parseLong(requestUri.substring(delimiter + 3)))
				.isBefore(Instant.now());
		}
		catch (NumberFormatException ex) {
			return true;
		}
	}

	private static void put(Map<String, String[]> parameters, String name, String value) {
		if (StringUtils.hasText(value)) {
			parameters.put(name, new String[] { value });
		}
	}

}
