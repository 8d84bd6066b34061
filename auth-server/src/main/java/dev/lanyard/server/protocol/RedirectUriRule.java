package dev.lanyard.server.protocol;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.util.StringUtils;

/**
 * Lanyard's redirect URI check at the authorization endpoint, in place of the
 * framework's.
 * <ul>
 * <li>The requested URI must equal a registered one exactly (RFC 9700 §4.1.3:
 * "authorization servers MUST utilize exact string matching").</li>
 * <li>The one exception is the port of a loopback redirect URI, and only for a public
 * client (a native app): RFC 8252 §7.3, "the authorization server MUST allow any port to
 * be specified at the time of the request for loopback IP redirect URIs, to accommodate
 * clients that obtain an available ephemeral port from the operating system". A
 * confidential client's loopback URI is matched exactly, so a local process listening on
 * another port cannot receive its codes. The requested port must be a port
 * (1–65535).</li>
 * <li>Without {@code redirect_uri}, the client must have exactly one registered URI, and
 * an OpenID Connect request must always name it (OpenID Connect Core §3.1.2.1).</li>
 * </ul>
 * Every failure is shown on the error page, never redirected (RFC 6749 §4.1.2.1).
 */
final class RedirectUriRule implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

	private static final Set<String> LOOPBACK_IP_LITERALS = Set.of("127.0.0.1", "[::1]");

	@Override
	public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
		OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
		RegisteredClient client = context.getRegisteredClient();
		String requested = request.getRedirectUri();
		if (!StringUtils.hasText(requested)) {
			if (request.getScopes().contains(OidcScopes.OPENID) || client.getRedirectUris().size() != 1) {
				throw notRedirectable(request);
			}
			return;
		}
		if (client.getRedirectUris().contains(requested)) {
			return;
		}
		boolean nativeApp = client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE);
		if (!nativeApp || client.getRedirectUris()
			.stream()
			.noneMatch((registered) -> sameLoopbackUriExceptPort(registered, requested))) {
			throw notRedirectable(request);
		}
	}

	/**
	 * Whether both are the same loopback IP redirect URI but for the port, the requested
	 * one naming a valid port.
	 */
	static boolean sameLoopbackUriExceptPort(String registered, String requested) {
		URI registeredUri = parse(registered);
		URI requestedUri = parse(requested);
		if (registeredUri == null || requestedUri == null || !isLoopbackIp(registeredUri)
				|| !isLoopbackIp(requestedUri)) {
			return false;
		}
		int port = requestedUri.getPort();
		return port >= 1 && port <= 65535 && registeredUri.getHost().equals(requestedUri.getHost())
				&& Objects.equals(registeredUri.getRawPath(), requestedUri.getRawPath())
				&& Objects.equals(registeredUri.getRawQuery(), requestedUri.getRawQuery());
	}

	private static boolean isLoopbackIp(URI uri) {
		return "http".equals(uri.getScheme()) && uri.getHost() != null && LOOPBACK_IP_LITERALS.contains(uri.getHost())
				&& uri.getRawUserInfo() == null && uri.getRawFragment() == null;
	}

	private static URI parse(String value) {
		try {
			URI uri = new URI(value);
			// "http://127.0.0.1:/cb" parses with no port: an empty port is no port at
			// all.
			return (uri.getRawAuthority() != null && uri.getRawAuthority().endsWith(":")) ? null : uri;
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	private static OAuth2AuthorizationCodeRequestAuthenticationException notRedirectable(
			OAuth2AuthorizationCodeRequestAuthenticationToken request) {
		return AuthorizationErrors.shownOnPage(request,
				new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, "OAuth 2.0 Parameter: redirect_uri", null));
	}

}
