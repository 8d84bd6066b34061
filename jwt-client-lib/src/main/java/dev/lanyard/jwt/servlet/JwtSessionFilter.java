package dev.lanyard.jwt.servlet;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.lanyard.jwt.JwtVerificationException;
import dev.lanyard.jwt.JwtVerifier;
import dev.lanyard.jwt.SessionClaims;

/**
 * A servlet filter that admits only requests carrying a valid internal JWT in
 * {@code Authorization: Bearer} (RFC 6750 §2.1).
 *
 * <p>
 * On success the {@link SessionClaims} are stored in the request attribute
 * {@link #SESSION_CLAIMS_ATTRIBUTE} and made current in {@link SessionContext} for the
 * rest of the request on this thread. Otherwise the request ends here with 401 and
 * {@code WWW-Authenticate} as RFC 6750 §3 prescribes:
 * <ul>
 * <li>no {@code Authorization} header, or another scheme: {@code Bearer} without an error
 * code (§3.1: the request lacks bearer credentials);</li>
 * <li>a bearer token that is malformed or fails verification:
 * {@code Bearer error="invalid_token"};</li>
 * <li>more than one {@code Authorization} header: 400 and
 * {@code Bearer error="invalid_request"}.</li>
 * </ul>
 * A token that cannot be checked because the keys cannot be had
 * ({@code jwks_unavailable}) ends with 503 and {@code Retry-After} instead: it may be
 * good. Tokens in the query string or form body (RFC 6750 §2.2, §2.3) are never read. The
 * response body is empty and nothing from the token is logged; the rejection reason code
 * is logged at DEBUG.
 *
 * <p>
 * Paths listed as public (exact, or a prefix ending in {@code /**}) pass without a token.
 * They are matched only when the request's path is already in normal form (the path as
 * sent equals the container's normalised one): Spring MVC matches handlers on the path as
 * sent, so {@code /files/../actuator/health} would look public here and reach a
 * {@code /files/**} handler there. Such a request needs a token. Thread-safe.
 */
public final class JwtSessionFilter implements Filter {

	/** The request attribute holding the verified {@link SessionClaims}. */
	public static final String SESSION_CLAIMS_ATTRIBUTE = SessionClaims.class.getName();

	private final JwtVerifier verifier;

	private final List<String> publicPaths;

	/**
	 * Creates a filter that requires a token on every request.
	 * @param verifier the verifier, not {@code null}
	 */
	public JwtSessionFilter(JwtVerifier verifier) {
		this(verifier, List.of());
	}

	/**
	 * Creates a filter with public paths.
	 * @param verifier the verifier, not {@code null}
	 * @param publicPaths paths served without a token, each exact
	 * ({@code /actuator/health}) or a prefix pattern ({@code /public/**}); not
	 * {@code null}
	 */
	public JwtSessionFilter(JwtVerifier verifier, Collection<String> publicPaths) {
		this.verifier = Objects.requireNonNull(verifier, "verifier");
		for (String path : publicPaths) {
			if (path == null || !path.startsWith("/")) {
				throw new IllegalArgumentException("public paths must start with '/': " + path);
			}
		}
		this.publicPaths = List.copyOf(publicPaths);
	}

	@Override
	public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
			throws IOException, ServletException {
		HttpServletRequest request = (HttpServletRequest) req;
		HttpServletResponse response = (HttpServletResponse) res;
		if (isPublic(request)) {
			chain.doFilter(request, response);
			return;
		}
		BearerCredentials credentials = BearerCredentials.of(request);
		if (credentials.rejectUnusable(response)) {
			return;
		}
		if (credentials.kind() == BearerCredentials.Kind.NONE) {
			BearerCredentials.reject(response, HttpServletResponse.SC_UNAUTHORIZED, BearerCredentials.CHALLENGE,
					"no_bearer_token");
			return;
		}
		String token = credentials.token();
		SessionClaims claims;
		try {
			claims = this.verifier.verify(token);
		}
		catch (JwtVerificationException e) {
			BearerCredentials.rejectToken(response, e.reason().code());
			return;
		}
		request.setAttribute(SESSION_CLAIMS_ATTRIBUTE, claims);
		SessionContext.Scope scope = SessionContext.open(claims, token);
		try {
			chain.doFilter(request, response);
		}
		finally {
			scope.close();
		}
	}

	private boolean isPublic(HttpServletRequest request) {
		if (this.publicPaths.isEmpty()) {
			return false;
		}
		String path = request.getServletPath() + (request.getPathInfo() != null ? request.getPathInfo() : "");
		String sent = request.getRequestURI().substring(request.getContextPath().length());
		if (!sent.equals(path)) {
			// Dot segments, ';' parameters, '//' or escapes: what the container matched
			// is not what the application will.
			return false;
		}
		for (String pattern : this.publicPaths) {
			if (pattern.endsWith("/**")) {
				String prefix = pattern.substring(0, pattern.length() - 3);
				if (path.equals(prefix) || path.startsWith(prefix + "/")) {
					return true;
				}
			}
			else if (path.equals(pattern)) {
				return true;
			}
		}
		return false;
	}

}
