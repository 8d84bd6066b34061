package dev.lanyard.server.web;

import java.net.URI;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Derives the login session cookie from the issuer: served over HTTPS it is
 * {@code __Host-LANYARD_SESSION; Secure; HttpOnly; SameSite=Lax; Path=/} (OWASP ASVS 5.0
 * §3.3); on plain-HTTP development issuers the {@code __Host-} prefix and {@code Secure}
 * flag cannot work, so the cookie is {@code LANYARD_SESSION}. Lax, not Strict, so that a
 * client's cross-site redirect to {@code /oauth2/authorize} keeps single sign-on. Values
 * a deployment sets explicitly win.
 */
public class SessionCookieEnvironmentPostProcessor implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String issuer = environment.getProperty("lanyard.issuer", "http://localhost:9000");
		boolean secure = issuer.regionMatches(true, 0, "https:", 0, 6);
		try {
			secure = "https".equalsIgnoreCase(URI.create(issuer).getScheme());
		}
		catch (IllegalArgumentException ex) {
			// LanyardProperties reports a malformed issuer with a clear message.
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource("lanyardSessionCookie", Map.of("server.servlet.session.cookie.name",
					secure ? "__Host-LANYARD_SESSION" : "LANYARD_SESSION", "server.servlet.session.cookie.secure",
					String.valueOf(secure), "server.servlet.session.cookie.http-only", "true",
					"server.servlet.session.cookie.same-site", "lax", "server.servlet.session.cookie.path", "/")));
	}

}
