package dev.lanyard.server.protocol;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Tells verifiers how long they may cache the JWKS: {@code Cache-Control: public,
 * max-age=…}, the JWKS max-age that the key publication period is longer than (a key is
 * published that long before it signs, so no cache that obeys this header can lack it).
 * Every other protocol response stays {@code no-store}.
 */
final class JwksCacheControl extends OncePerRequestFilter {

	private final String jwksEndpoint;

	private final String cacheControl;

	JwksCacheControl(String jwksEndpoint, Duration maxAge) {
		this.jwksEndpoint = jwksEndpoint;
		this.cacheControl = "public, max-age=" + maxAge.toSeconds();
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !this.jwksEndpoint.equals(request.getServletPath());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		// Set before the body is written: Spring Security's no-store default then stays
		// out.
		response.setHeader("Cache-Control", this.cacheControl);
		chain.doFilter(request, response);
	}

}
