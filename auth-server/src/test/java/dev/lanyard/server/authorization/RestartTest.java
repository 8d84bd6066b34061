package dev.lanyard.server.authorization;

import java.net.http.HttpResponse;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A restart keeps every token, client, user and login session (PostgreSQL and Redis). */
class RestartTest {

	@Test
	void tokensWhenServerRestartedThenStillActive() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		// The same port and issuer before and after, as a real restart has.
		int port = TestBackends.freePort();
		deployment.put("server.port", String.valueOf(port));
		deployment.put("lanyard.issuer", "http://localhost:" + port);
		TestBrowser browser = new TestBrowser();
		TestBrowser client = new TestBrowser();
		String accessToken;
		String refreshToken;
		String serviceToken;
		String jwks;
		try (LanyardTestServer before = LanyardTestServer.start(deployment)) {
			OAuthFlows flows = new OAuthFlows(before.baseUrl());
			TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
			String redirect = flows.authorizeWithLogin(browser,
					OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile", "s", pkce), "alice",
					TestBootstrap.ALICE_PASSWORD);
			Map<String, Object> tokens = TestBrowser.json(flows.redeemCode(client, "web-app",
					TestBootstrap.WEB_APP_SECRET, TestBrowser.queryParameters(redirect).get("code"),
					TestBootstrap.REDIRECT_URI, pkce.verifier()));
			accessToken = (String) tokens.get("access_token");
			refreshToken = (String) tokens.get("refresh_token");
			serviceToken = (String) TestBrowser
				.json(flows.token(client, "service", TestBootstrap.SERVICE_SECRET,
						Map.of("grant_type", "client_credentials")))
				.get("access_token");
			jwks = client.get(flows.url("/oauth2/jwks")).body();
		}
		try (LanyardTestServer after = LanyardTestServer.start(deployment)) {
			OAuthFlows flows = new OAuthFlows(after.baseUrl());
			assertThat(flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET, accessToken).get("active"))
				.isEqualTo(true);
			assertThat(flows.introspect(client, "service", TestBootstrap.SERVICE_SECRET, serviceToken).get("active"))
				.isEqualTo(true);
			HttpResponse<String> refreshed = flows.refresh(client, "web-app", TestBootstrap.WEB_APP_SECRET,
					refreshToken);
			assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
			assertThat(client.get(flows.url("/oauth2/jwks")).body()).isEqualTo(jwks);
		}
	}

}
