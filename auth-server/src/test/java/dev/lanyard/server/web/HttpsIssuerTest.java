package dev.lanyard.server.web;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose issuer is {@code https} (TLS ends at a proxy in front; the node itself
 * listens on plain HTTP here), as every production deployment runs: its cookies take the
 * forms that only work over https (LG-10, HD-05).
 */
class HttpsIssuerTest {

	private static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

	private static LanyardTestServer node;

	private static String local;

	@BeforeAll
	static void start() {
		int port = TestBackends.freePort();
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("server.port", String.valueOf(port));
		deployment.put("lanyard.issuer", "https://localhost:" + port);
		node = LanyardTestServer.start(deployment);
		local = "http://localhost:" + port;
	}

	@AfterAll
	static void stop() {
		LanyardTestServer.closeAll(node);
	}

	/**
	 * The login session cookie is {@code __Host-LANYARD_SESSION}: {@code Secure},
	 * {@code HttpOnly}, {@code SameSite=Lax}, {@code Path=/}, no {@code Domain}; the
	 * sign-in gives a new one of the same form, and the device cookie has that form too.
	 */
	@Test
	void cookiesWhenIssuerIsHttpsThenHostPrefixedAndSecure() throws Exception {
		HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(local + "/login")).GET(), null);
		assertThat(page.statusCode()).isEqualTo(200);
		String session = cookie(page, "__Host-LANYARD_SESSION");
		assertHostOnlySecure(setCookie(page, "__Host-LANYARD_SESSION"), "Lax");
		assertThat(setCookie(page, "LANYARD_SESSION")).isNull();

		String form = Map
			.of("username", "bob", "password", TestBootstrap.BOB_PASSWORD, "remember-device", "true", "_csrf",
					TestBrowser.csrf(page.body()))
			.entrySet()
			.stream()
			.map((field) -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
		HttpResponse<String> signedIn = send(HttpRequest.newBuilder(URI.create(local + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form)), "__Host-LANYARD_SESSION=" + session);

		assertThat(signedIn.statusCode()).isIn(302, 303);
		assertThat(TestBrowser.location(signedIn)).doesNotContain("error");
		String renewed = setCookie(signedIn, "__Host-LANYARD_SESSION");
		assertHostOnlySecure(renewed, "Lax");
		assertThat(cookie(signedIn, "__Host-LANYARD_SESSION")).isNotEqualTo(session);
		assertHostOnlySecure(setCookie(signedIn, "__Host-LANYARD_DEVICE"), "Strict");
		assertThat(signedIn.headers().firstValue("Strict-Transport-Security"))
			.hasValueSatisfying((hsts) -> assertThat(hsts).contains("max-age=31536000").contains("includeSubDomains"));
	}

	/** The language cookie too (ASVS 5.0 §3.3.1: every cookie Secure on https). */
	@Test
	void languageCookieWhenIssuerIsHttpsThenHostPrefixedAndSecure() throws Exception {
		HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(local + "/login?lang=zh-CN")).GET(), null);

		assertThat(page.statusCode()).isEqualTo(200);
		assertHostOnlySecure(setCookie(page, "__Host-LANYARD_LANG"), "Lax");
		assertThat(setCookie(page, "LANYARD_LANG")).isNull();
	}

	/** Discovery names the https issuer, whatever the request came in on. */
	@Test
	void discoveryWhenIssuerIsHttpsThenEndpointsOnIt() throws Exception {
		HttpResponse<String> discovery = send(
				HttpRequest.newBuilder(URI.create(local + "/.well-known/openid-configuration")).GET(), null);
		assertThat(discovery.statusCode()).isEqualTo(200);
		Map<String, Object> metadata = TestBrowser.json(discovery);
		String issuer = "https://localhost:" + node.port();
		assertThat(metadata.get("issuer")).isEqualTo(issuer);
		assertThat(metadata.get("token_endpoint")).isEqualTo(issuer + "/oauth2/token");
	}

	private static void assertHostOnlySecure(String setCookie, String sameSite) {
		assertThat(setCookie).isNotNull();
		List<String> attributes = List.of(setCookie.split(";\\s*"));
		assertThat(attributes).contains("Secure", "HttpOnly", "Path=/")
			.anySatisfy((attribute) -> assertThat(attribute).isEqualToIgnoringCase("SameSite=" + sameSite))
			.noneSatisfy((attribute) -> assertThat(attribute.toLowerCase()).startsWith("domain="));
	}

	private static String setCookie(HttpResponse<?> response, String name) {
		return response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((value) -> value.startsWith(name + "="))
			.findFirst()
			.orElse(null);
	}

	private static String cookie(HttpResponse<?> response, String name) {
		String header = setCookie(response, name);
		assertThat(header).as("Set-Cookie " + name).isNotNull();
		return header.substring(name.length() + 1, header.indexOf(';'));
	}

	private static HttpResponse<String> send(HttpRequest.Builder request, String cookie) throws Exception {
		if (cookie != null) {
			request.header("Cookie", cookie);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
