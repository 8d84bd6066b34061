package dev.lanyard.server.protocol;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes whose clocks differ (node A's 30 seconds ahead of node B's and the
 * database's), behind one balancer: the rules that meet times from both hold (SECURITY.md
 * LG-23).
 */
class SkewedClocksTest {

	private static LanyardTestServer nodeA;

	private static LanyardTestServer nodeB;

	@BeforeAll
	static void setUp() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		nodeA = LanyardTestServer.start(with(deployment, "lanyard.test.clock-ahead", "PT30S"));
		deployment.put("lanyard.issuer", nodeA.baseUrl());
		nodeB = LanyardTestServer.start(deployment);
	}

	@AfterAll
	static void tearDown() {
		LanyardTestServer.closeAll(nodeA, nodeB);
	}

	/**
	 * A pushed request asking for a new sign-in ({@code prompt=login}, which the browser
	 * cannot drop) is met by the sign-in the person makes when sent to: asked at node A,
	 * signed in at node B, the code comes at node A. It was judged by the sign-in being
	 * later than the asking by the two nodes' clocks, and sent the person back to sign in
	 * again and again.
	 */
	@Test
	void promptLoginWhenAskedByANodeAheadAndSignedInAtAnotherThenMetOnce() {
		TestBrowser browser = new TestBrowser();
		OAuthFlows atA = new OAuthFlows(nodeA.baseUrl());
		OAuthFlows atB = new OAuthFlows(nodeB.baseUrl());
		assertThat(atB.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		HttpResponse<String> pushed = new TestBrowser().postForm(atA.url("/oauth2/par"),
				Map.of("response_type", "code", "client_id", "web-app", "redirect_uri", TestBootstrap.REDIRECT_URI,
						"scope", "openid", "state", "s", "prompt", "login", "code_challenge", pkce.challenge(),
						"code_challenge_method", "S256"),
				"Authorization", TestBrowser.basic("web-app", TestBootstrap.WEB_APP_SECRET));
		assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
		String requestUri = (String) TestBrowser.json(pushed).get("request_uri");
		String frontChannel = atA.url("/oauth2/authorize?client_id=web-app&request_uri="
				+ URLEncoder.encode(requestUri, StandardCharsets.UTF_8));

		HttpResponse<String> asked = browser.get(frontChannel);
		assertThat(TestBrowser.location(asked)).endsWith("/login");
		HttpResponse<String> signedIn = atB.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD);
		String resumed = TestBrowser.location(signedIn);
		assertThat(resumed).startsWith(atA.url("/oauth2/authorize")).contains("request_uri=");
		String answer = TestBrowser.location(browser.get(resumed));
		assertThat(answer).as("met by the sign-in at node B").startsWith(TestBootstrap.REDIRECT_URI).contains("code=");
	}

	private static Map<String, String> with(Map<String, String> deployment, String name, String value) {
		Map<String, String> settings = new java.util.HashMap<>(deployment);
		settings.put(name, value);
		return settings;
	}

}
