package dev.lanyard.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.lanyard.jwt.TestAuthorizationServer;
import dev.lanyard.jwt.TestJwts;
import dev.lanyard.jwt.TestKeys;

/** The demo service over real HTTP, with a real JWKS server and real tokens. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DemoServiceTest {

	private static final TestAuthorizationServer SERVER = TestAuthorizationServer.start(TestKeys.RSA_K1);

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void issuer(DynamicPropertyRegistry registry) {
		registry.add("LANYARD_ISSUER", SERVER::issuer);
	}

	@AfterAll
	static void stop() {
		SERVER.close();
	}

	private HttpResponse<String> get(String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void meWhenValidTokenThenSessionClaimsAsJson() throws Exception {
		Instant now = Instant.ofEpochSecond(Instant.now().getEpochSecond());
		HttpResponse<String> response = get("/me", TestJwts.accessToken(SERVER.issuer(), now).build());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
		assertThat(response.body()).isEqualTo("{\"sub\":\"u1\",\"username\":\"alice\",\"client_id\":\"web-app\","
				+ "\"scopes\":[\"openid\",\"profile\",\"orders:read\"],\"roles\":[\"user\",\"admin\"],\"sid\":\"s-42\","
				+ "\"tenant\":\"acme\",\"auth_time\":" + (now.getEpochSecond() - 60) + ",\"exp\":"
				+ (now.getEpochSecond() + 300) + "}");
	}

	@Test
	void meWhenNoTokenThen401() throws Exception {
		HttpResponse<String> response = get("/me", null);
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly("Bearer");
	}

	@Test
	void meWhenTokenInvalidThen401InvalidToken() throws Exception {
		for (String token : new String[] { TestJwts.accessToken(SERVER.issuer()).signedWith(TestKeys.ATTACKER).build(),
				TestJwts.accessToken(SERVER.issuer()).claim("aud", "another-service").build(),
				TestJwts.accessToken(SERVER.issuer(), Instant.now().minusSeconds(3600)).build(), "garbage" }) {
			HttpResponse<String> response = get("/me", token);
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.headers().allValues("WWW-Authenticate"))
				.containsExactly("Bearer error=\"invalid_token\"");
			assertThat(response.body()).isEmpty();
		}
	}

	@Test
	void healthWhenNoTokenThenServed() throws Exception {
		HttpResponse<String> response = get("/actuator/health", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("UP");
		assertThat(get("/actuator/env", null).statusCode()).isEqualTo(401);
	}

	@Test
	void chainWhenCalledThenTokenForwardedToNextService() throws Exception {
		HttpResponse<String> response = get("/chain/me",
				TestJwts.accessToken(SERVER.issuer()).claim("preferred_username", "bob").build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"username\":\"bob\"");
	}

}
