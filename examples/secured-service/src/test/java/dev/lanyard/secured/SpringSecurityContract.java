package dev.lanyard.secured;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.lanyard.jwt.TestAuthorizationServer;
import dev.lanyard.jwt.TestJwts;
import dev.lanyard.jwt.TestKeys;

/**
 * What a service on Spring Security must see, whichever way it checks Lanyard's JWTs: URL
 * rules and {@code @PreAuthorize} on roles and scopes, 401 without a session, 403 without
 * the right, no CSRF token needed with a bearer token, and an ID token (typ {@code JWT})
 * refused. Run once with the library ({@link LanyardLibraryTest}) and once with Spring's
 * resource server as documented ({@link SpringResourceServerTest}).
 */
abstract class SpringSecurityContract {

	/** One for the test JVM, shared by both subclasses (and stopped with the JVM). */
	static final TestAuthorizationServer SERVER = TestAuthorizationServer.start(TestKeys.RSA_K1);

	final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void lanyard(DynamicPropertyRegistry registry) {
		registry.add("lanyard.jwt.issuer", SERVER::issuer);
	}

	static String admin() {
		return TestJwts.accessToken(SERVER.issuer()).claim("roles", List.of("user", "admin")).build();
	}

	static String user() {
		return TestJwts.accessToken(SERVER.issuer()).claim("roles", List.of("user")).build();
	}

	HttpResponse<String> send(String method, String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void preAuthorizeWhenAdminThen200() throws Exception {
		HttpResponse<String> response = send("GET", "/admin/report", admin());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).contains("\"for\":\"u1\"");
	}

	@Test
	void preAuthorizeWhenUserThen403InsufficientScope() throws Exception {
		HttpResponse<String> response = send("GET", "/admin/report", user());
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElse(""))
			.startsWith("Bearer error=\"insufficient_scope\"");
	}

	@Test
	void requestWhenNoTokenThen401BearerChallenge() throws Exception {
		HttpResponse<String> response = send("GET", "/orders", null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer")
			.doesNotContain("Basic");
	}

	@Test
	void requestWhenForgedTokenThen401InvalidToken() throws Exception {
		String forged = TestJwts.accessToken(SERVER.issuer()).signedWith(TestKeys.ATTACKER).build();
		HttpResponse<String> response = send("GET", "/orders", forged);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElse(""))
			.startsWith("Bearer error=\"invalid_token\"");
	}

	@Test
	void requestWhenIdTokenTypeThen401() throws Exception {
		String idToken = TestJwts.accessToken(SERVER.issuer()).header("typ", "JWT").build();
		assertThat(send("GET", "/orders", idToken).statusCode()).isEqualTo(401);
	}

	@Test
	void publicPathWhenNoTokenThen200() throws Exception {
		assertThat(send("GET", "/public/ping", null).statusCode()).isEqualTo(200);
	}

	@Test
	void postWhenBearerTokenWithScopeThenNoCsrfTokenNeeded() throws Exception {
		String writer = TestJwts.accessToken(SERVER.issuer()).claim("scope", "orders:read orders:write").build();
		HttpResponse<String> response = send("POST", "/orders", writer);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(send("POST", "/orders", user()).statusCode()).as("without the scope").isEqualTo(403);
	}

}
