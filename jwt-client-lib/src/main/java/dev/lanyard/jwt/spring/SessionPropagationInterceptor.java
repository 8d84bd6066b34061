package dev.lanyard.jwt.spring;

import java.io.IOException;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

import dev.lanyard.jwt.servlet.SessionContext;

/**
 * A {@code RestClient} interceptor that forwards the current request's internal JWT to
 * the next service as {@code Authorization: Bearer} (RFC 6750 §2.1), so that it sees the
 * same session.
 *
 * <p>
 * The token is added only when a session is current on this thread
 * ({@link SessionContext}), the outbound request has no {@code Authorization} header of
 * its own, and the target host is on the allow-list: the internal JWT must never leave
 * the system (an empty list forwards nothing, {@code *} forwards everywhere).
 * Thread-safe.
 */
public final class SessionPropagationInterceptor implements ClientHttpRequestInterceptor {

	private final List<String> allowedHosts;

	/**
	 * Creates an interceptor.
	 * @param allowedHosts host names, optionally {@code host:port}, or {@code *};
	 * compared case-insensitively; not {@code null}
	 */
	public SessionPropagationInterceptor(Collection<String> allowedHosts) {
		this.allowedHosts = allowedHosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		Optional<String> token = SessionContext.currentToken();
		if (token.isPresent() && !request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
				&& isAllowed(request.getURI())) {
			request.getHeaders().setBearerAuth(token.get());
		}
		return execution.execute(request, body);
	}

	private boolean isAllowed(URI uri) {
		if (uri.getHost() == null) {
			return false;
		}
		String host = uri.getHost().toLowerCase(Locale.ROOT);
		String hostAndPort = uri.getPort() >= 0 ? host + ":" + uri.getPort() : host;
		for (String allowed : this.allowedHosts) {
			if (allowed.equals("*") || allowed.equals(host) || allowed.equals(hostAndPort)) {
				return true;
			}
		}
		return false;
	}

}
