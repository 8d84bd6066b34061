package dev.lanyard.server.web;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.RawHttp;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.MapPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * HD-09: forwarded headers count only from proxies the operator names, on Kubernetes too,
 * and absolute URLs come from the issuer, never from the request's {@code Host}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForwardedHeadersTest {

	private static LanyardTestServer server;

	@BeforeAll
	static void start() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		// As the shipped manifest runs it: Spring Boot would switch forwarded headers on
		// here.
		deployment.put("spring.main.cloud-platform", "kubernetes");
		deployment.put("lanyard.login.max-attempts-per-address", "10");
		server = LanyardTestServer.start(deployment);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	/** Last: it spends the address's sign-in attempts for the window. */
	@Test
	@Order(Integer.MAX_VALUE)
	void hd09ForwardedForWhenNoTrustedProxyThenIgnoredEvenOnKubernetes() {
		String base = server.baseUrl();
		int throttled = 0;
		for (int i = 0; i < 15; i++) {
			TestBrowser browser = new TestBrowser();
			String address = "203.0.113." + (i + 1);
			HttpResponse<String> page = browser.get(base + "/login", "X-Forwarded-For", address);
			HttpResponse<String> answer = browser
				.postForm(base + "/login",
						Map.of("username", "ghost-" + UUID.randomUUID(), "password", "guess", "_csrf",
								TestBrowser.csrf(page.body())),
						"X-Forwarded-For", address, "Forwarded", "for=" + address);
			throttled += answer.headers().firstValue("Location").orElseThrow().endsWith("throttled") ? 1 : 0;
		}
		// One socket, one address: the per-address bound applies after ten guesses.
		assertThat(throttled).isEqualTo(5);
	}

	@Test
	void hd09HostHeaderWhenForeignThenRedirectsNameTheIssuer() throws Exception {
		String issuer = server.baseUrl();
		for (String path : new String[] { "/admin",
				"/oauth2/authorize?response_type=code&client_id=web-app"
						+ "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&scope=openid&code_challenge="
						+ "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256" }) {
			for (String headers : new String[] { "Host: evil.example\r\n", "Host: localhost:" + server.port()
					+ "\r\nX-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\n" }) {
				String answer = RawHttp.exchange(server.port(),
						"GET " + path + " HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n");
				String location = answer.lines()
					.filter((line) -> line.regionMatches(true, 0, "Location:", 0, 9))
					.findFirst()
					.orElseThrow(() -> new AssertionError(answer))
					.substring(9)
					.strip();
				// Relative, or absolute on the issuer; never on the host the request
				// named.
				assertThat(location).as(path + " with " + headers).isIn("/login", issuer + "/login");
				assertThat(answer).doesNotContain("evil.example");
			}
		}
	}

	/**
	 * The return after sign-in is rebuilt from the saved request: it too must name the
	 * issuer.
	 */
	@Test
	void hd09HostHeaderWhenForeignThenReturnAfterSignInNamesTheIssuer() throws Exception {
		String authorize = "/oauth2/authorize?response_type=code&client_id=web-app&redirect_uri="
				+ "https%3A%2F%2Fapp.example.com%2Fcallback&scope=openid&code_challenge="
				+ "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
		String first = RawHttp.exchange(server.port(),
				"GET " + authorize + " HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
		String cookie = header(first, "Set-Cookie").split(";")[0];
		String page = RawHttp.exchange(server.port(),
				"GET /login HTTP/1.1\r\nHost: evil.example\r\nCookie: " + cookie + "\r\nConnection: close\r\n\r\n");
		String form = TestBrowser.form(Map.of("username", "bob", "password",
				LanyardTestServer.TestBootstrap.BOB_PASSWORD, "_csrf", TestBrowser.csrf(page)));
		String login = RawHttp.exchange(server.port(),
				"POST /login HTTP/1.1\r\nHost: evil.example\r\nCookie: " + cookie
						+ "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
						+ "\r\nConnection: close\r\n\r\n" + form);
		String location = header(login, "Location");
		assertThat(location).startsWith(server.baseUrl() + "/oauth2/authorize?").doesNotContain("evil");
	}

	private static String header(String answer, String name) {
		return answer.lines()
			.filter((line) -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
			.findFirst()
			.orElseThrow(() -> new AssertionError(answer))
			.substring(name.length() + 1)
			.strip();
	}

	@Test
	void hd09SettingsWhenForwardedHeadersWithoutNamedProxiesThenStartRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> postProcess(Map.of("server.forward-headers-strategy", "framework")))
			.withMessageContaining("LANYARD_TRUSTED_PROXIES");
		assertThatIllegalStateException()
			.isThrownBy(() -> postProcess(Map.of("server.forward-headers-strategy", "native")))
			.withMessageContaining("LANYARD_TRUSTED_PROXIES");
		assertThatIllegalStateException()
			.isThrownBy(() -> postProcess(Map.of("lanyard.trusted-proxies", "proxy.example")))
			.withMessageContaining("not an IP address");
		StandardEnvironment none = postProcess(Map.of());
		assertThat(none.getProperty("server.forward-headers-strategy")).isEqualTo("none");
		StandardEnvironment named = postProcess(Map.of("lanyard.trusted-proxies", "10.0.0.7, 10.1.0.0/16, ::1"));
		assertThat(named.getProperty("server.forward-headers-strategy")).isEqualTo("native");
		assertThat(named.getProperty("server.tomcat.remoteip.internal-proxies"))
			.isEqualTo("10.0.0.7/32,10.1.0.0/16,::1/128");
		StandardEnvironment explicit = postProcess(Map.of("server.forward-headers-strategy", "native",
				"server.tomcat.remoteip.internal-proxies", "10.0.0.7/32"));
		assertThat(explicit.getProperty("server.tomcat.remoteip.internal-proxies")).isEqualTo("10.0.0.7/32");
	}

	private static StandardEnvironment postProcess(Map<String, Object> settings) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", settings));
		new ForwardedHeadersEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
