package dev.lanyard.jwt.security;

import java.util.Objects;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.CsrfConfigurer;
import org.springframework.security.config.annotation.web.configurers.ExceptionHandlingConfigurer;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.util.matcher.RequestMatcher;

import dev.lanyard.jwt.servlet.BearerCredentials;

/**
 * Adds Lanyard bearer authentication to a security filter chain. The auto-configuration
 * applies it to every {@code HttpSecurity} through a {@code Customizer<HttpSecurity>}
 * bean, so a service's own {@code SecurityFilterChain} gets it without a line of code:
 *
 * <ul>
 * <li>{@link LanyardBearerTokenFilter} before the anonymous filter: a bearer token
 * becomes a {@link LanyardAuthentication} or a 401;</li>
 * <li>for requests that do not ask for an HTML page, a session that is needed but missing
 * answers 401 {@code WWW-Authenticate: Bearer} (RFC 6750 §3.1), and a session without the
 * needed rights 403 {@code Bearer error="insufficient_scope"} — the default answers of
 * the chain, which a browser sign-in on the same chain (form login) keeps for HTML
 * pages;</li>
 * <li>requests carrying a bearer token are exempt from CSRF protection: no cookie
 * authenticates them, so no other site can forge them.</li>
 * </ul>
 */
public final class LanyardJwtConfigurer extends AbstractHttpConfigurer<LanyardJwtConfigurer, HttpSecurity> {

	/** Requests carrying bearer credentials (RFC 6750 §2.1). */
	private static final RequestMatcher BEARER_REQUEST = (request) -> {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
	};

	/** Requests that do not ask for an HTML page: API calls. */
	private static final RequestMatcher API_REQUEST = (request) -> !acceptsHtml(request);

	private static final AuthenticationEntryPoint BEARER_ENTRY_POINT = (request, response,
			exception) -> BearerCredentials.reject(response, HttpServletResponse.SC_UNAUTHORIZED,
					BearerCredentials.CHALLENGE, "no_bearer_token");

	private final LanyardJwtAuthenticationProvider provider;

	/**
	 * @param provider authenticates the bearer tokens, not {@code null}
	 */
	public LanyardJwtConfigurer(LanyardJwtAuthenticationProvider provider) {
		this.provider = Objects.requireNonNull(provider, "provider");
	}

	@Override
	@SuppressWarnings("unchecked")
	public void init(HttpSecurity http) {
		CsrfConfigurer<HttpSecurity> csrf = http.getConfigurer(CsrfConfigurer.class);
		if (csrf != null) {
			csrf.ignoringRequestMatchers(BEARER_REQUEST);
		}
		ExceptionHandlingConfigurer<HttpSecurity> exceptions = http.getConfigurer(ExceptionHandlingConfigurer.class);
		if (exceptions != null) {
			exceptions.defaultAuthenticationEntryPointFor(BEARER_ENTRY_POINT, API_REQUEST);
			exceptions.defaultAccessDeniedHandlerFor(new InsufficientScopeHandler(), API_REQUEST);
		}
	}

	@Override
	public void configure(HttpSecurity http) {
		http.addFilterBefore(
				new LanyardBearerTokenFilter(this.provider, SecurityContextHolder.getContextHolderStrategy()),
				AnonymousAuthenticationFilter.class);
	}

	private static boolean acceptsHtml(HttpServletRequest request) {
		String accept = request.getHeader(HttpHeaders.ACCEPT);
		return accept != null && accept.contains("text/html");
	}

	/**
	 * 403 with {@code Bearer error="insufficient_scope"} for a Lanyard session (RFC 6750
	 * §3.1), Spring's default answer otherwise.
	 */
	private static final class InsufficientScopeHandler implements AccessDeniedHandler {

		private final AccessDeniedHandler fallback = new AccessDeniedHandlerImpl();

		@Override
		public void handle(HttpServletRequest request, HttpServletResponse response,
				org.springframework.security.access.AccessDeniedException exception)
				throws java.io.IOException, jakarta.servlet.ServletException {
			if (SecurityContextHolder.getContextHolderStrategy()
				.getContext()
				.getAuthentication() instanceof LanyardAuthentication) {
				BearerCredentials.reject(response, HttpServletResponse.SC_FORBIDDEN,
						BearerCredentials.INSUFFICIENT_SCOPE_CHALLENGE, "insufficient_scope");
				return;
			}
			this.fallback.handle(request, response, exception);
		}

	}

}
