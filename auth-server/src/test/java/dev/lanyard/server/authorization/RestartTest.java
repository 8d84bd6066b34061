package dev.lanyard.server.authorization;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart keeps every token, client, user and login session: a restart of the server
 * (login sessions live in Redis), and of the server and Redis together, Redis coming back
 * empty (Lanyard's Redis keeps nothing on disk), when every token is read from
 * PostgreSQL.
 */
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
			// The login session: the account page without signing in again.
			HttpResponse<String> account = browser.get(flows.url("/account"));
			assertThat(account.statusCode()).as("still signed in").isEqualTo(200);
			assertThat(flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET, accessToken).get("active"))
				.isEqualTo(true);
		}
		// Redis restarted too, empty: nothing is left of the deployment's keys.
		assertThat(deleteKeys(deployment.get("lanyard.redis.key-prefix"))).isPositive();
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

	/** Deletes every key that starts with the prefix; answers how many there were. */
	private static long deleteKeys(String prefix) {
		RedisClient redis = RedisClient.create(TestBackends.redisUrl());
		try (StatefulRedisConnection<String, String> connection = redis.connect()) {
			RedisCommands<String, String> commands = connection.sync();
			List<String> keys = commands.keys(prefix + "*");
			if (!keys.isEmpty()) {
				commands.del(keys.toArray(String[]::new));
			}
			return keys.size();
		}
		finally {
			redis.shutdown();
		}
	}

}
