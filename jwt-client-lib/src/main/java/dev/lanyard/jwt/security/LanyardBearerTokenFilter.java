package dev.lanyard.jwt.security;

import java.io.IOException;
import java.util.Objects;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.lanyard.jwt.SessionClaims;
import dev.lanyard.jwt.security.LanyardJwtAuthenticationProvider.InvalidLanyardTokenException;
import dev.lanyard.jwt.servlet.BearerCredentials;
import dev.lanyard.jwt.servlet.JwtSessionFilter;
import dev.lanyard.jwt.servlet.SessionContext;

/**
 * Spring Security's side of the library: in a security filter chain, a request with a
 * bearer token is authenticated by {@link LanyardJwtAuthenticationProvider} and goes on
 * as a {@link LanyardAuthentication}; one without goes on unauthenticated, and the
 * chain's authorization rules decide (401 {@code WWW-Authenticate: Bearer} where a
 * session is needed).
 *
 * <p>
 * As {@link JwtSessionFilter} does without Spring Security: a token that fails
 * verification ends the request with 401 {@code Bearer error="invalid_token"} (RFC 6750
 * §3.1), or 503 when the keys to check it cannot be had, several {@code Authorization}
 * headers with 400; a verified session is in the request attribute
 * {@link JwtSessionFilter#SESSION_CLAIMS_ATTRIBUTE} and in {@link SessionContext} for the
 * rest of the request, so {@code SessionClaims} controller arguments and token forwarding
 * work the same.
 */
final class LanyardBearerTokenFilter extends OncePerRequestFilter {

	private final LanyardJwtAuthenticationProvider provider;

	private final SecurityContextHolderStrategy contexts;

	private final SecurityContextRepository repository = new RequestAttributeSecurityContextRepository();

	LanyardBearerTokenFilter(LanyardJwtAuthenticationProvider provider, SecurityContextHolderStrategy contexts) {
		this.provider = Objects.requireNonNull(provider, "provider");
		this.contexts = Objects.requireNonNull(contexts, "contexts");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getAttribute(JwtSessionFilter.SESSION_CLAIMS_ATTRIBUTE) instanceof SessionClaims verified) {
			// The library's servlet filter verified this request's token already, and
			// made the session current for the request.
			authenticate(new LanyardAuthentication(verified), request, response);
			chain.doFilter(request, response);
			return;
		}
		BearerCredentials credentials = BearerCredentials.of(request);
		if (credentials.rejectUnusable(response)) {
			return;
		}
		if (credentials.kind() == BearerCredentials.Kind.NONE) {
			// The chain's rules decide whether a session is needed here.
			chain.doFilter(request, response);
			return;
		}
		Authentication authentication;
		try {
			authentication = this.provider.authenticate(new LanyardBearerToken(credentials.token()));
		}
		catch (InvalidLanyardTokenException ex) {
			this.contexts.clearContext();
			BearerCredentials.rejectToken(response, ex.reasonCode());
			return;
		}
		authenticate(authentication, request, response);
		SessionClaims session = (SessionClaims) authentication.getPrincipal();
		request.setAttribute(JwtSessionFilter.SESSION_CLAIMS_ATTRIBUTE, session);
		try (SessionContext.Scope scope = SessionContext.open(session, credentials.token())) {
			chain.doFilter(request, response);
		}
	}

	/**
	 * Makes the authentication current, and keeps it for the request's later dispatches
	 * (error pages, async results), which this filter does not see again.
	 */
	private void authenticate(Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
		SecurityContext context = this.contexts.createEmptyContext();
		context.setAuthentication(authentication);
		this.contexts.setContext(context);
		this.repository.saveContext(context, request, response);
	}

}
