package dev.lanyard.server.exchange;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.exchange.RevocationStreamTest.Event;
import dev.lanyard.server.exchange.RevocationStreamTest.Stream;
import dev.lanyard.server.token.TokenHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's promise for gateways without Redis: a gateway listening to one node hears
 * a revocation made on another within a second; and each node's own token cache hears it.
 * Two nodes on one database, no Redis.
 */
class RevocationStreamAcrossNodesTest {

	private static LanyardTestServer nodeA;

	private static LanyardTestServer nodeB;

	@BeforeAll
	static void startTwoNodesWithoutRedis() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.remove("spring.data.redis.url");
		nodeA = LanyardTestServer.start(deployment);
		nodeB = LanyardTestServer.start(deployment);
	}

	@AfterAll
	static void stop() {
		nodeA.close();
		nodeB.close();
	}

	@Test
	void streamWhenRevokedOnAnotherNodeThenEventWithinASecond() throws Exception {
		HttpResponse<java.io.InputStream> opened = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(nodeA.baseUrl() + "/revocations"))
				.header("Accept", "text/event-stream")
				.header("Authorization", basic("gateway", TestBootstrap.GATEWAY_SECRET))
				.build(), HttpResponse.BodyHandlers.ofInputStream());
		try (Stream stream = Stream.of(opened)) {
			assertThat(stream.next().name()).isEqualTo("reset");

			OAuthFlows onB = new OAuthFlows(nodeB.baseUrl());
			TestBrowser client = new TestBrowser();
			String token = (String) TestBrowser
				.json(onB.token(client, "service", TestBootstrap.SERVICE_SECRET,
						Map.of("grant_type", "client_credentials")))
				.get("access_token");
			long revokedAt = System.nanoTime();
			HttpResponse<String> revoked = client.postForm(onB.url("/oauth2/revoke"), Map.of("token", token),
					"Authorization", basic("service", TestBootstrap.SERVICE_SECRET));
			assertThat(revoked.statusCode()).isEqualTo(200);

			Event event = stream.next();
			assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));
			assertThat(event.name()).isEqualTo("revocation");
			assertThat(event.data()).contains(TokenHash.of(token));
		}
	}

	/**
	 * Without Redis each node keeps its own token cache. Nothing stops a second node (the
	 * README asks for Redis then): a token the other node looked up and cached, revoked
	 * through this one, is inactive there too within the outbox's half second. It stayed
	 * active there until its entry expired.
	 */
	@Test
	void introspectWhenRevokedOnAnotherNodeThenInactiveThereToo() {
		OAuthFlows onA = new OAuthFlows(nodeA.baseUrl());
		OAuthFlows onB = new OAuthFlows(nodeB.baseUrl());
		TestBrowser client = new TestBrowser();
		String token = (String) TestBrowser
			.json(onB.token(client, "service", TestBootstrap.SERVICE_SECRET,
					Map.of("grant_type", "client_credentials")))
			.get("access_token");
		assertThat(onA.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token)).containsEntry("active",
				true);
		assertThat(onA.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token)).containsEntry("active",
				true);

		HttpResponse<String> revoked = client.postForm(onB.url("/oauth2/revoke"), Map.of("token", token),
				"Authorization", basic("service", TestBootstrap.SERVICE_SECRET));
		assertThat(revoked.statusCode()).isEqualTo(200);

		assertThat(introspectedWithin(onA, client, token, Duration.ofSeconds(1))).containsEntry("active", false);
	}

	/**
	 * Outbox ids are given when a row is inserted and rows are seen when they commit: a
	 * revocation whose transaction commits after a newer one's (held open here) still
	 * reaches each node's own token cache. A node moved past its id and never read it.
	 */
	@Test
	void introspectWhenRevocationCommitsAfterANewerOneThenInactiveThereToo() throws Exception {
		OAuthFlows onA = new OAuthFlows(nodeA.baseUrl());
		OAuthFlows onB = new OAuthFlows(nodeB.baseUrl());
		TestBrowser client = new TestBrowser();
		String token = onB.clientCredentialsToken(client, "service", TestBootstrap.SERVICE_SECRET);
		assertThat(onA.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token)).containsEntry("active",
				true);
		assertThat(onA.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token)).containsEntry("active",
				true);

		try (java.sql.Connection late = nodeA.bean(javax.sql.DataSource.class).getConnection()) {
			late.setAutoCommit(false);
			try (java.sql.PreparedStatement insert = late.prepareStatement("""
					INSERT INTO revocation_outbox (token_hashes, session_ids, reason, cache_applied)
					VALUES (?, '{}', 'test', TRUE)""")) {
				insert.setArray(1, late.createArrayOf("text", new String[] { TokenHash.of(token) }));
				insert.executeUpdate();
			}
			// A newer revocation commits first, and every node reads past both ids.
			String other = onB.clientCredentialsToken(client, "service", TestBootstrap.SERVICE_SECRET);
			assertThat(client
				.postForm(onB.url("/oauth2/revoke"), Map.of("token", other), "Authorization",
						basic("service", TestBootstrap.SERVICE_SECRET))
				.statusCode()).isEqualTo(200);
			Thread.sleep(1500);
			late.commit();
		}

		assertThat(introspectedWithin(onA, client, token, Duration.ofSeconds(2))).containsEntry("active", false);
	}

	/** Where several nodes run, a node whose Redis setting is missing stops at start. */
	@Test
	void startWhenRedisRequiredButNotConfiguredThenStopsSayingWhatToSet() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.remove("spring.data.redis.url");
		deployment.put("lanyard.redis.required", "true");
		org.assertj.core.api.Assertions.assertThatThrownBy(() -> LanyardTestServer.start(deployment).close())
			.hasStackTraceContaining("LANYARD_REDIS_REQUIRED is set but no Redis is configured")
			.hasStackTraceContaining("SPRING_DATA_REDIS_URL");
	}

	/**
	 * The service's token introspected again and again until inactive, or the answer to
	 * the first request sent once {@code within} was up.
	 */
	private static Map<String, Object> introspectedWithin(OAuthFlows node, TestBrowser client, String token,
			Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		Map<String, Object> answer;
		do {
			answer = node.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token);
		}
		while (Boolean.TRUE.equals(answer.get("active")) && System.nanoTime() < deadline);
		return answer;
	}

	private static String basic(String id, String secret) {
		return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

}
