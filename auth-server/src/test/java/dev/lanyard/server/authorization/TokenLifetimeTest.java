package dev.lanyard.server.authorization;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.client.ClientService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OA-26: a code redeemed after its lifetime is refused. OA-39: refresh tokens expire when
 * unused for the idle timeout, and no refresh token outlives the grant's absolute
 * lifetime.
 */
class TokenLifetimeTest {

	private static LanyardTestServer server;

	private static OAuthFlows flows;

	private static TestBrowser browser;

	@BeforeAll
	static void start() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.tokens.authorization-code", "2s");
		server = LanyardTestServer.start(deployment);
		flows = new OAuthFlows(server.baseUrl());
		server.bean(ClientService.class)
			.importClient(new ClientRegistration("short-lived", null, false, TestBootstrap.WEB_APP_SECRET, null, null,
					null, List.of(TestBootstrap.REDIRECT_URI), List.of(), Set.of("authorization_code", "refresh_token"),
					Set.of("openid"), null, null, null, Duration.ofSeconds(3), Duration.ofSeconds(6), List.of(), null,
					null, null, null, null, null));
		browser = new TestBrowser();
		flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void codeWhenRedeemedAfterItsLifetimeThenInvalidGrant() throws Exception {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String code = code("web-app", pkce);
		Thread.sleep(3_000);
		HttpResponse<String> late = flows.redeemCode(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET, code,
				TestBootstrap.REDIRECT_URI, pkce.verifier());
		assertThat(TestBrowser.json(late).get("error")).isEqualTo("invalid_grant");
	}

	@Test
	void refreshTokenWhenIdleTooLongThenInvalidGrant() throws Exception {
		String refreshToken = tokens().get("refresh_token");
		Thread.sleep(3_500);
		assertThat(TestBrowser
			.json(flows.refresh(new TestBrowser(), "short-lived", TestBootstrap.WEB_APP_SECRET, refreshToken))
			.get("error")).isEqualTo("invalid_grant");
	}

	@Test
	void refreshTokenWhenGrantOlderThanMaximumThenInvalidGrantAlthoughUsedOften() throws Exception {
		String refreshToken = tokens().get("refresh_token");
		long started = System.nanoTime();
		while (Duration.ofNanos(System.nanoTime() - started).toMillis() < 4_000) {
			Thread.sleep(1_500);
			HttpResponse<String> refreshed = flows.refresh(new TestBrowser(), "short-lived",
					TestBootstrap.WEB_APP_SECRET, refreshToken);
			assertThat(refreshed.statusCode()).as("used within the idle timeout").isEqualTo(200);
			refreshToken = (String) TestBrowser.json(refreshed).get("refresh_token");
		}
		Thread.sleep(Math.max(0, 6_600 - Duration.ofNanos(System.nanoTime() - started).toMillis()));
		assertThat(TestBrowser
			.json(flows.refresh(new TestBrowser(), "short-lived", TestBootstrap.WEB_APP_SECRET, refreshToken))
			.get("error")).isEqualTo("invalid_grant");
	}

	private static Map<String, String> tokens() {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		Map<String, Object> json = TestBrowser.json(flows.redeemCode(new TestBrowser(), "short-lived",
				TestBootstrap.WEB_APP_SECRET, code("short-lived", pkce), TestBootstrap.REDIRECT_URI, pkce.verifier()));
		return Map.of("refresh_token", (String) json.get("refresh_token"));
	}

	private static String code(String clientId, TestBrowser.Pkce pkce) {
		String location = TestBrowser.location(browser.get(
				flows.authorizeUrl(OAuthFlows.codeRequest(clientId, TestBootstrap.REDIRECT_URI, "openid", "s", pkce))));
		return TestBrowser.queryParameters(location).get("code");
	}

}
