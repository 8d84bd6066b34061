package dev.lanyard.server.protocol;

import java.net.http.HttpResponse;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Introspection (RFC 7662) and revocation (RFC 7009) rules: OA-41 to OA-43. */
class IntrospectionAndRevocationTest {

	private static OAuthFlows flows;

	private final TestBrowser client = new TestBrowser();

	@BeforeAll
	static void setUp() {
		flows = SharedLanyard.flows();
	}

	@Test
	void introspectWhenNoClientAuthenticationThen401() {
		HttpResponse<String> response = this.client.postForm(flows.url("/oauth2/introspect"),
				Map.of("token", serviceToken()));
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.body()).doesNotContain("\"active\":true");
	}

	@Test
	void introspectWhenTokenUnknownThenExactlyInactive() {
		for (String token : new String[] { "lyat_unknown", "garbage", "hash:abc", "x".repeat(5000) }) {
			assertThat(flows.introspect(this.client, "service", TestBootstrap.SERVICE_SECRET, token))
				.isEqualTo(Map.of("active", false));
		}
	}

	@Test
	void revokeWhenTokenUnknownThen200() {
		HttpResponse<String> response = this.client.postForm(flows.url("/oauth2/revoke"),
				Map.of("token", "lyat_never-issued"), "Authorization",
				TestBrowser.basic("service", TestBootstrap.SERVICE_SECRET));
		assertThat(response.statusCode()).isEqualTo(200);
	}

	@Test
	void revokeWhenAnotherClientsTokenThenRefusedAndTokenStaysActive() {
		String token = serviceToken();
		HttpResponse<String> response = this.client.postForm(flows.url("/oauth2/revoke"), Map.of("token", token),
				"Authorization", TestBrowser.basic("web-app", TestBootstrap.WEB_APP_SECRET));
		assertThat(response.statusCode()).isIn(400, 401);
		assertThat(flows.introspect(this.client, "service", TestBootstrap.SERVICE_SECRET, token).get("active"))
			.isEqualTo(true);
	}

	@Test
	void revokeWhenOwnAccessTokenThenInactive() {
		String token = serviceToken();
		HttpResponse<String> response = this.client.postForm(flows.url("/oauth2/revoke"),
				Map.of("token", token, "token_type_hint", "access_token"), "Authorization",
				TestBrowser.basic("service", TestBootstrap.SERVICE_SECRET));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(flows.introspect(this.client, "service", TestBootstrap.SERVICE_SECRET, token))
			.isEqualTo(Map.of("active", false));
	}

	private String serviceToken() {
		HttpResponse<String> response = flows.token(this.client, "service", TestBootstrap.SERVICE_SECRET,
				Map.of("grant_type", "client_credentials"));
		assertThat(response.statusCode()).isEqualTo(200);
		return (String) TestBrowser.json(response).get("access_token");
	}

}
