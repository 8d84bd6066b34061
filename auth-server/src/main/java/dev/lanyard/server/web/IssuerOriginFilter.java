package dev.lanyard.server.web;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Makes every request describe itself with the issuer's scheme, host and port, whatever
 * its {@code Host} header says, so that every absolute URL Lanyard builds (the login page
 * redirect, the return after sign-in) points at the issuer. A request with
 * {@code Host: evil.example} must not send a browser to {@code http://evil.example/login}
 * (HD-09). Runs before every other filter.
 */
public final class IssuerOriginFilter extends OncePerRequestFilter {

	private final String scheme;

	private final String host;

	private final int port;

	public IssuerOriginFilter(URI issuer) {
		this.scheme = issuer.getScheme().toLowerCase(Locale.ROOT);
		this.host = issuer.getHost();
		this.port = (issuer.getPort() != -1) ? issuer.getPort() : ("https".equals(this.scheme) ? 443 : 80);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		chain.doFilter(new IssuerOriginRequest(request), response);
	}

	private final class IssuerOriginRequest extends HttpServletRequestWrapper {

		IssuerOriginRequest(HttpServletRequest request) {
			super(request);
		}

		@Override
		public String getScheme() {
			return IssuerOriginFilter.this.scheme;
		}

		@Override
		public boolean isSecure() {
			return "https".equals(IssuerOriginFilter.this.scheme);
		}

		@Override
		public String getServerName() {
			return IssuerOriginFilter.this.host;
		}

		@Override
		public int getServerPort() {
			return IssuerOriginFilter.this.port;
		}

		@Override
		public StringBuffer getRequestURL() {
			StringBuffer url = new StringBuffer(getScheme()).append("://").append(getServerName());
			boolean defaultPort = ("https".equals(getScheme()) && getServerPort() == 443)
					|| ("http".equals(getScheme()) && getServerPort() == 80);
			if (!defaultPort) {
				url.append(':').append(getServerPort());
			}
			return url.append(getRequestURI());
		}

	}

}
