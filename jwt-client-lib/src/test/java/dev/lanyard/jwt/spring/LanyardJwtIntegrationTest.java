package dev.lanyard.jwt.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.lanyard.jwt.TestAuthorizationServer;
import dev.lanyard.jwt.TestJwts;
import dev.lanyard.jwt.TestKeys;

/**
 * The filter, the argument resolver and outbound propagation over real HTTP, wired by the
 * auto-configuration from {@code lanyard.jwt.*} only (docs/SECURITY.md §3: JW-17, JW-32
 * to JW-34).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"lanyard.jwt.public-paths=/health,/public/**", "lanyard.jwt.propagation.allowed-hosts=localhost",
		"logging.level.dev.lanyard=DEBUG",
		// The library's own servlet filter, as in a service without Spring Security
		// (with it: examples/secured-service).
		"spring.autoconfigure.exclude=org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
				+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
				+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
				+ "dev.lanyard.jwt.security.LanyardJwtSecurityAutoConfiguration" })
@ExtendWith(OutputCaptureExtension.class)
class LanyardJwtIntegrationTest {

	private static final TestAuthorizationServer SERVER = TestAuthorizationServer.start(TestKeys.RSA_K1);

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void lanyard(DynamicPropertyRegistry registry) {
		registry.add("lanyard.jwt.issuer", SERVER::issuer);
	}

	@AfterAll
	static void stopServer() {
		SERVER.close();
	}

	private static String validToken() {
		return TestJwts.accessToken(SERVER.issuer()).build();
	}

	private HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path));
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void meWhenValidTokenThenSessionClaimsAsJson() throws Exception {
		HttpResponse<String> response = get("/me", "Authorization", "Bearer " + validToken());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"sub\":\"u1\"", "\"username\":\"alice\"", "\"tenant\":\"acme\"",
				"\"roles\":[\"user\",\"admin\"]");
	}

	@Test
	void meWhenNoTokenThen401WithBearerChallengeWithoutErrorCode() throws Exception {
		HttpResponse<String> response = get("/me");
		assertThat(response.statusCode()).isEqualTo(401);
		// RFC 6750 §3.1: no error code when the request carries no bearer credentials.
		assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly("Bearer");
		assertThat(get("/me", "Authorization", "Basic dXNlcjpwYXNz").headers().allValues("WWW-Authenticate"))
			.containsExactly("Bearer");
	}

	@Test
	@DisplayName("JW-34 every invalid token: 401, Bearer error=\"invalid_token\", empty body, nothing logged of it")
	void meWhenInvalidTokenThen401InvalidTokenAndNoLeak(CapturedOutput output) throws Exception {
		Instant now = Instant.now();
		List<String> invalid = List.of(TestJwts.accessToken(SERVER.issuer(), now.minusSeconds(600)).build(),
				TestJwts.accessToken(SERVER.issuer()).header("alg", "none").build(),
				TestJwts.accessToken(SERVER.issuer()).signedWith(TestKeys.ATTACKER).build(),
				TestJwts.accessToken(SERVER.issuer()).claim("aud", "svc-b").build(),
				TestJwts.accessToken(SERVER.issuer()).header("typ", "JWT").build(),
				TestJwts.accessToken(SERVER.issuer())
					.rawPayload("{\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "}")
					.build(),
				"not-a-jwt", "e30.e30.e30", validToken() + "x");
		for (String token : invalid) {
			HttpResponse<String> response = get("/me", "Authorization", "Bearer " + token);
			assertThat(response.statusCode()).as(token).isEqualTo(401);
			assertThat(response.headers().allValues("WWW-Authenticate"))
				.containsExactly("Bearer error=\"invalid_token\"");
			assertThat(response.body()).isEmpty();
		}
		assertThat(output.getOut()).contains("Rejected request: bad_signature", "Rejected request: expired");
		for (String token : invalid) {
			for (String part : token.split("\\.")) {
				if (part.length() >= 12) {
					assertThat(output.getAll()).doesNotContain(part.substring(0, 12));
				}
			}
		}
	}

	@Test
	@DisplayName("JW-32 a token in the query string or form body is never read")
	void meWhenTokenInQueryOrBodyThen401() throws Exception {
		HttpResponse<String> query = get("/me?access_token=" + validToken());
		assertThat(query.statusCode()).isEqualTo(401);
		assertThat(query.headers().allValues("WWW-Authenticate")).containsExactly("Bearer");

		HttpRequest form = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/me"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("access_token=" + validToken()))
			.build();
		assertThat(this.http.send(form, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
	}

	@Test
	@DisplayName("JW-33 duplicate Authorization headers, lower-case scheme, extra spaces, other schemes")
	void meWhenAuthorizationHeaderAmbiguousThenDefinedOutcome() throws Exception {
		HttpResponse<String> duplicate = get("/me", "Authorization", "Bearer " + validToken(), "Authorization",
				"Bearer " + validToken());
		assertThat(duplicate.statusCode()).isEqualTo(400);
		assertThat(duplicate.headers().allValues("WWW-Authenticate"))
			.containsExactly("Bearer error=\"invalid_request\"");

		// RFC 9110 §11.1: the scheme is case-insensitive; RFC 6750 §2.1: "Bearer" 1*SP
		// b64token.
		assertThat(get("/me", "Authorization", "bearer " + validToken()).statusCode()).isEqualTo(200);
		assertThat(get("/me", "Authorization", "Bearer  " + validToken()).statusCode()).isEqualTo(200);
		assertThat(get("/me", "Authorization", "Bearer").headers().allValues("WWW-Authenticate"))
			.containsExactly("Bearer error=\"invalid_token\"");
		assertThat(get("/me", "Authorization", "Bearer " + validToken() + " extra").headers()
			.allValues("WWW-Authenticate")).containsExactly("Bearer error=\"invalid_token\"");
		assertThat(get("/me", "Authorization", "Bearer" + validToken()).headers().allValues("WWW-Authenticate"))
			.containsExactly("Bearer");
	}

	@Test
	@DisplayName("JW-17 over HTTP: a 16 KB and a 9 KB bearer value are refused, never a 500")
	void meWhenBearerValueOversizedThenRefusedNot500() throws Exception {
		HttpResponse<String> huge = get("/me", "Authorization", "Bearer " + "A".repeat(16 * 1024));
		assertThat(huge.statusCode()).isIn(400, 401, 431);
		String nineKb = TestJwts.accessToken(SERVER.issuer()).claim("pad", "x".repeat(7_000)).build();
		assertThat(nineKb.length()).isGreaterThan(8192);
		HttpResponse<String> capped = get("/me", "Authorization", "Bearer " + nineKb);
		assertThat(capped.statusCode()).isIn(400, 401, 431);
	}

	@Test
	void contextWhenRequestsAlternateThenSessionNeverLeaksAcrossRequests() throws Exception {
		for (int i = 0; i < 20; i++) {
			assertThat(get("/context", "Authorization", "Bearer " + validToken()).body()).isEqualTo("u1");
			assertThat(get("/public/context").body()).isEqualTo("none");
		}
	}

	@Test
	void publicPathsWhenMatchedExactlyThenServedWithoutToken() throws Exception {
		assertThat(get("/health").statusCode()).isEqualTo(200);
		assertThat(get("/public/authorization").body()).isEqualTo("none");
		assertThat(get("/healthz").statusCode()).isEqualTo(401);
		assertThat(get("/publicity").statusCode()).isEqualTo(401);
		// The container normalises the path before the filter matches it.
		assertThat(get("/health/../me").statusCode()).isEqualTo(401);
		assertThat(get("/public/../me").statusCode()).isEqualTo(401);
		assertThat(get("/public/%2e%2e/me").statusCode()).isIn(400, 401);
		assertThat(get("/me;/health").statusCode()).isEqualTo(401);
		// The container normalises /files/../health to the public /health, but Spring MVC
		// matches the path as sent and would run the /files handler: a token is needed.
		assertThat(get("/files/../health").statusCode()).isEqualTo(401);
		assertThat(get("/files/..;/health").statusCode()).isIn(400, 401);
		assertThat(get("/files/a", "Authorization", "Bearer " + validToken()).body()).isEqualTo("file:/a");
	}

	@Test
	void sessionClaimsArgumentWhenNoSessionThen401BearerFromResolver() throws Exception {
		HttpResponse<String> response = get("/public/whoami");
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().allValues("WWW-Authenticate")).containsExactly("Bearer");
		assertThat(get("/public/whoami", "Authorization", "Bearer " + validToken()).statusCode())
			.as("public paths do not read tokens at all")
			.isEqualTo(401);
	}

	@Test
	void relayWhenTargetHostAllowedThenTokenForwardedAndVerifiedDownstream() throws Exception {
		HttpResponse<String> response = get("/relay?target=http://localhost:" + this.port + "/me", "Authorization",
				"Bearer " + validToken());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).startsWith("200:").contains("\"sub\":\"u1\"");
	}

	@Test
	void relayWhenTargetHostNotAllowedThenTokenNotForwarded() throws Exception {
		HttpResponse<String> response = get("/relay?target=http://127.0.0.1:" + this.port + "/public/authorization",
				"Authorization", "Bearer " + validToken());
		assertThat(response.body()).isEqualTo("200:none");
		HttpResponse<String> allowed = get("/relay?target=http://localhost:" + this.port + "/public/authorization",
				"Authorization", "Bearer " + validToken());
		assertThat(allowed.body()).isEqualTo("200:bearer");
	}

	/**
	 * A redirect from an allowed host is not followed: the interceptor sees only the
	 * first address, and the HTTP client would carry the token to wherever it points.
	 */
	@Test
	void relayWhenAllowedHostRedirectsElsewhereThenNotFollowedAndTokenStays() throws Exception {
		String elsewhere = "http://127.0.0.1:" + this.port + "/public/authorization";
		HttpResponse<String> response = get(
				"/relay?target=http://localhost:" + this.port + "/public/redirect?to="
						+ java.net.URLEncoder.encode(elsewhere, java.nio.charset.StandardCharsets.UTF_8),
				"Authorization", "Bearer " + validToken());
		assertThat(response.body()).isEqualTo("302:");
	}

}
