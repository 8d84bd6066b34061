package dev.lanyard.server.storage;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TcpProxy;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backend outages give quick, clear errors instead of hung requests; losing Redis loses
 * nothing (token endpoints fall back to PostgreSQL); OA-44: revocation while the database
 * is unreachable answers 5xx, never 200.
 */
class BackendOutageTest {

	@Test
	void databaseWhenUnreachableThenQuick5xxAndRevocationNever200() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		URI database = URI.create(deployment.get("spring.datasource.url").substring("jdbc:".length()));
		try (TcpProxy proxy = new TcpProxy(database.getPort())) {
			deployment.put("spring.datasource.url",
					"jdbc:postgresql://127.0.0.1:" + proxy.port() + database.getPath());
			try (LanyardTestServer server = LanyardTestServer.start(deployment)) {
				OAuthFlows flows = new OAuthFlows(server.baseUrl());
				TestBrowser client = new TestBrowser();
				String token = (String) TestBrowser.json(flows.token(client, "service", TestBootstrap.SERVICE_SECRET,
						Map.of("grant_type", "client_credentials"))).get("access_token");

				proxy.blackhole();
				long started = System.nanoTime();
				HttpResponse<String> issue = flows.token(client, "service", TestBootstrap.SERVICE_SECRET,
						Map.of("grant_type", "client_credentials"));
				Duration took = Duration.ofNanos(System.nanoTime() - started);
				assertThat(issue.statusCode()).isBetween(500, 599);
				assertThat(issue.body()).doesNotContain("Exception").doesNotContain("jdbc").doesNotContain("access_token");
				assertThat(took).isLessThan(Duration.ofSeconds(10));

				HttpResponse<String> revoke = client.postForm(flows.url("/oauth2/revoke"),
						Map.of("token", "lyat_not-in-cache-" + System.nanoTime()), "Authorization",
						TestBrowser.basic("service", TestBootstrap.SERVICE_SECRET));
				assertThat(revoke.statusCode()).isNotEqualTo(200).isGreaterThanOrEqualTo(500);

				HttpResponse<String> health = client.get(flows.url("/actuator/health/readiness"));
				assertThat(health.statusCode()).isEqualTo(503);

				proxy.restore();
				assertThat(flows.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token).get("active"))
					.isEqualTo(true);
			}
		}
	}

	@Test
	void redisWhenUnreachableThenTokenEndpointsFallBackToPostgres() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		URI redis = URI.create(deployment.get("spring.data.redis.url"));
		try (TcpProxy proxy = new TcpProxy(redis.getPort())) {
			deployment.put("spring.data.redis.url", "redis://127.0.0.1:" + proxy.port());
			try (LanyardTestServer server = LanyardTestServer.start(deployment)) {
				OAuthFlows flows = new OAuthFlows(server.baseUrl());
				TestBrowser client = new TestBrowser();
				String cached = (String) TestBrowser.json(flows.token(client, "service", TestBootstrap.SERVICE_SECRET,
						Map.of("grant_type", "client_credentials"))).get("access_token");

				proxy.blackhole();
				long started = System.nanoTime();
				HttpResponse<String> issued = flows.token(client, "service", TestBootstrap.SERVICE_SECRET,
						Map.of("grant_type", "client_credentials"));
				assertThat(issued.statusCode()).isEqualTo(200);
				String fresh = (String) TestBrowser.json(issued).get("access_token");
				assertThat(flows.introspect(client, "service", TestBootstrap.SERVICE_SECRET, fresh).get("active"))
					.isEqualTo(true);
				assertThat(flows.introspect(client, "service", TestBootstrap.SERVICE_SECRET, cached).get("active"))
					.isEqualTo(true);
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
			}
		}
	}

}
