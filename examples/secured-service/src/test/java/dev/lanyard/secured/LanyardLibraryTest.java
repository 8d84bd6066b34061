package dev.lanyard.secured;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.lanyard.jwt.TestJwts;

/**
 * The library on a Spring Security service: no configuration beyond
 * {@code lanyard.jwt.*}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class LanyardLibraryTest extends SpringSecurityContract {

	@Test
	void principalWhenVerifiedThenSessionClaims() throws Exception {
		HttpResponse<String> response = send("GET", "/session", admin());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).contains("\"sub\":\"u1\"", "\"username\":\"alice\"", "\"tenant\":\"acme\"");
		String withoutTenant = TestJwts.accessToken(SERVER.issuer()).withoutClaim("tenant").build();
		assertThat(send("GET", "/session", withoutTenant).body()).contains("\"tenant\":\"none\"");
	}

	/** Error pages and other later dispatches keep the session (a 404 stays a 404). */
	@Test
	void unknownPathWhenValidTokenThen404Not401() throws Exception {
		assertThat(send("GET", "/no-such-page", admin()).statusCode()).isEqualTo(404);
	}

	@Test
	void startWhenLibraryPresentThenNoGeneratedPasswordAndNoBasicLogin(CapturedOutput output) throws Exception {
		assertThat(output.getAll()).doesNotContain("Using generated security password");
		HttpResponse<String> basic = this.http
			.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + this.port + "/orders"))
				.header("Authorization", "Basic dXNlcjp1c2Vy")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(basic.statusCode()).isEqualTo(401);
	}

}
