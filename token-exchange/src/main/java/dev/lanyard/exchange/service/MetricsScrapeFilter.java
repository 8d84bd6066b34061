package dev.lanyard.exchange.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets only the scraper holding the metrics token ({@code Authorization: Bearer …}) read
 * Prometheus metrics; with no token configured, nobody. Compared as SHA-256 digests in
 * constant time.
 */
final class MetricsScrapeFilter extends OncePerRequestFilter {

	private final byte[] expected;

	/**
	 * @param token the scrape token; {@code null} or empty: metrics are not served
	 */
	MetricsScrapeFilter(String token) {
		this.expected = (token == null || token.isEmpty()) ? null : sha256(token);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader("Authorization");
		if (this.expected != null && header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
				&& MessageDigest.isEqual(this.expected, sha256(header.substring(7).strip()))) {
			chain.doFilter(request, response);
			return;
		}
		response.setHeader("WWW-Authenticate", "Bearer realm=\"lanyard-metrics\"");
		response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
	}

	private static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java runtime", ex);
		}
	}

}
