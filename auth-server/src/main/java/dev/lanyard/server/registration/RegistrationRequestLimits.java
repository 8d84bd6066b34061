package dev.lanyard.server.registration;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Before any body is read at the registration endpoint: a request without a bearer token
 * gets 401 (RFC 6750 §3.1, no error code: it sent no credentials), and a body must say
 * its length and be at most {@link #MAXIMUM_BODY} bytes (411, 413). Nobody makes the
 * server parse a document it will not take.
 */
final class RegistrationRequestLimits extends OncePerRequestFilter {

	static final int MAXIMUM_BODY = 64 * 1024;

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"lanyard\"");
			response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
			return;
		}
		if ("POST".equals(request.getMethod()) || "PUT".equals(request.getMethod())) {
			long length = request.getContentLengthLong();
			if (length < 0) {
				response.setStatus(HttpServletResponse.SC_LENGTH_REQUIRED);
				return;
			}
			if (length > MAXIMUM_BODY) {
				response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
				return;
			}
		}
		chain.doFilter(request, response);
	}

}
