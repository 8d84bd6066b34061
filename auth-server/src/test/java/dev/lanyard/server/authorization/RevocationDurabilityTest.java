package dev.lanyard.server.authorization;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TcpProxy;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.exchange.RevocationChannel;
import dev.lanyard.server.token.TokenHash;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, items 6 and 7: a revocation is durable and reaches every node's token cache
 * and every gateway, whether Redis is cut off from the revoking node only or down for
 * all. Two nodes on one PostgreSQL and Redis; a TCP relay cuts Redis.
 */
class RevocationDurabilityTest {

	/**
	 * Node A reaches Redis through a relay; node B directly. Both keep a copy of the
	 * tokens they looked up (TrackedAccessTokenCache): a revocation on B reaches A's copy
	 * at once; while A's Redis stalls, A stops believing its copy within half a second; a
	 * revocation on A while it is cut off reaches B through the outbox.
	 */
	@Test
	void revocationWhenNodesHoldCopiesOrAreCutOffFromRedisThenNoNodeServesAStaleEntry() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		URI redis = URI.create(deployment.get("spring.data.redis.url"));
		try (TcpProxy proxy = new TcpProxy(redis.getPort())) {
			Map<String, String> cutOff = new HashMap<>(deployment);
			cutOff.put("spring.data.redis.url", "redis://127.0.0.1:" + proxy.port());
			try (LanyardTestServer nodeA = LanyardTestServer.start(cutOff);
					LanyardTestServer nodeB = LanyardTestServer.start(deployment)) {
				OAuthFlows a = new OAuthFlows(nodeA.baseUrl());
				OAuthFlows b = new OAuthFlows(nodeB.baseUrl());
				TestBrowser client = new TestBrowser();
				// A gateway on the revocation channel.
				BlockingQueue<String> heard = new LinkedBlockingQueue<>();
				RedisMessageListenerContainer gateway = new RedisMessageListenerContainer();
				gateway.setConnectionFactory(nodeB.bean(RedisConnectionFactory.class));
				gateway.addMessageListener(
						(message, pattern) -> heard.add(new String(message.getBody(), StandardCharsets.UTF_8)),
						new ChannelTopic(deployment.get("lanyard.redis.key-prefix") + "revocations"));
				gateway.afterPropertiesSet();
				gateway.start();

				// A copy on A, revoked on B: A hears it from Redis (when the push
				// arrives, at the latest half a second after the revocation) and
				// believes its copy no more.
				String copied = serviceToken(b, client);
				copyOn(a, client, copied);
				assertThat(metric(nodeA, client, "lanyard_token_cache_copy_believed")).isEqualTo(1.0);
				assertThat(metric(nodeA, client, "lanyard_token_cache_copy_hits_total")).isGreaterThanOrEqualTo(1.0);
				revoke(b, client, copied);
				assertThat(a.introspectRevokedElsewhere(client, "service", TestBootstrap.SERVICE_SECRET, copied))
					.isEqualTo(Map.of("active", false));
				assertInactiveFrom(a, client, copied, Instant.now(), Duration.ofSeconds(1));

				String stalled = serviceToken(b, client);
				copyOn(a, client, stalled);
				String token = serviceToken(b, client);
				// Node B answers from the shared Redis cache.
				assertThat(b.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token).get("active"))
					.isEqualTo(true);

				proxy.blackhole();
				// Revoked on B while A cannot hear Redis: A's copy is not believed for
				// long.
				revoke(b, client, stalled);
				assertInactiveFrom(a, client, stalled, Instant.now().plusMillis(600), Duration.ofMillis(1500));
				assertThat(metric(nodeA, client, "lanyard_token_cache_copy_believed")).isZero();
				// Revoked on A while it cannot reach Redis: B hears it through the
				// outbox, and relays it to the gateways, whose heartbeat (B's) goes on.
				heard.clear();
				revoke(a, client, token);
				Instant answered = Instant.now();
				assertInactiveFrom(b, client, token, answered.plusSeconds(1), Duration.ofSeconds(2));
				String revocation = null;
				boolean heartbeat = false;
				for (String message = heard.poll(3, TimeUnit.SECONDS); message != null
						&& (revocation == null || !heartbeat); message = heard.poll(3, TimeUnit.SECONDS)) {
					heartbeat |= message.equals(RevocationChannel.HEARTBEAT);
					revocation = message.contains(TokenHash.of(token)) ? message : revocation;
				}
				assertThat(revocation).as("the revocation made on the node cut off, published by the other")
					.isNotNull();
				assertThat(heartbeat).as("the other node's heartbeat while one is cut off").isTrue();
				gateway.stop();
				gateway.destroy();

				proxy.restore();
				assertInactiveFrom(b, client, token, Instant.now(), Duration.ofSeconds(3));
				assertThat(a.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token))
					.isEqualTo(Map.of("active", false));
				assertThat(a.introspect(client, "service", TestBootstrap.SERVICE_SECRET, stalled))
					.isEqualTo(Map.of("active", false));
			}
		}
	}

	/**
	 * A Redis that lost a revocation the node wrote and Redis acknowledged: a replica
	 * promoted after its primary failed lacks the primary's last writes (replication is
	 * asynchronous) and holds the token's entry as it was before, active. The node, whose
	 * connection the failover broke, has the revocations of an entry's lifetime written
	 * again: the token is inactive within seconds, where it was answered active until the
	 * entry expired (60 s). Here the lost write is put back by hand and the relay cuts
	 * the node's connections, as a failover would.
	 */
	@Test
	void revocationWhenRedisLosesItsWriteInAFailoverThenWrittenAgain() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		URI redis = URI.create(deployment.get("spring.data.redis.url"));
		try (TcpProxy proxy = new TcpProxy(redis.getPort())) {
			deployment.put("spring.data.redis.url", "redis://127.0.0.1:" + proxy.port());
			try (LanyardTestServer node = LanyardTestServer.start(deployment)) {
				OAuthFlows flows = new OAuthFlows(node.baseUrl());
				TestBrowser client = new TestBrowser();
				String token = serviceToken(flows, client);
				copyOn(flows, client, token);
				org.springframework.data.redis.core.StringRedisTemplate direct = new org.springframework.data.redis.core.StringRedisTemplate(
						node.bean(RedisConnectionFactory.class));
				String key = deployment.get("lanyard.redis.key-prefix") + "at:" + TokenHash.of(token);
				String active = direct.opsForValue().get(key);
				assertThat(active).as("the token's entry").isNotNull().doesNotEndWith("|");

				revoke(flows, client, token);
				assertThat(direct.opsForValue().get(key)).as("the revoked row").isNotEqualTo(active);
				// The promoted replica's view: the entry as it was before the revocation.
				direct.opsForValue().set(key, active, Duration.ofSeconds(60));
				proxy.cut();

				Instant deadline = Instant.now().plusSeconds(10);
				Map<String, Object> answer = flows.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token);
				while (!Map.of("active", false).equals(answer) && Instant.now().isBefore(deadline)) {
					Thread.sleep(200);
					answer = flows.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token);
				}
				assertThat(answer).isEqualTo(Map.of("active", false));
				assertThat(direct.opsForValue().get(key)).as("the tombstone written again").endsWith("|");
			}
		}
	}

	/**
	 * Looks a token up twice, the second time after its issuance was pushed, so that the
	 * node keeps a copy (a read racing with a push is not kept).
	 */
	private static void copyOn(OAuthFlows node, TestBrowser client, String token) throws InterruptedException {
		assertThat(node.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token).get("active"))
			.isEqualTo(true);
		Thread.sleep(100);
		assertThat(node.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token).get("active"))
			.isEqualTo(true);
	}

	private static void revoke(OAuthFlows node, TestBrowser client, String token) {
		assertThat(node.revoke(client, "service", TestBootstrap.SERVICE_SECRET, token).statusCode()).isEqualTo(200);
	}

	@Test
	void revocationWhenRedisDownForEveryNodeThenPublishedWithinASecondOfItsReturn() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		URI redis = URI.create(deployment.get("spring.data.redis.url"));
		try (TcpProxy proxy = new TcpProxy(redis.getPort())) {
			deployment.put("spring.data.redis.url", "redis://127.0.0.1:" + proxy.port());
			try (LanyardTestServer nodeA = LanyardTestServer.start(deployment);
					LanyardTestServer nodeB = LanyardTestServer.start(deployment)) {
				OAuthFlows a = new OAuthFlows(nodeA.baseUrl());
				TestBrowser client = new TestBrowser();
				String token = serviceToken(a, client);
				// A gateway, subscribed before the outage (its connection survives it).
				BlockingQueue<String> messages = new LinkedBlockingQueue<>();
				RedisMessageListenerContainer gateway = new RedisMessageListenerContainer();
				gateway.setConnectionFactory(nodeA.bean(RedisConnectionFactory.class));
				String channel = nodeA.bean(RevocationChannel.class).channel();
				gateway.addMessageListener((message, pattern) -> dev.lanyard.server.exchange.RevocationMessages
					.revocation(message.getBody())
					.ifPresent(messages::add), new ChannelTopic(channel));
				gateway.afterPropertiesSet();
				gateway.start();
				Thread.sleep(500);
				try {
					proxy.blackhole();
					HttpResponse<String> revoked = client.postForm(a.url("/oauth2/revoke"), Map.of("token", token),
							"Authorization", TestBrowser.basic("service", TestBootstrap.SERVICE_SECRET));
					assertThat(revoked.statusCode()).isEqualTo(200);
					Thread.sleep(1500);
					assertThat(messages).as("nothing can be published while Redis is down").isEmpty();
					// The metric an alert watches: once a relay pass has found it cannot
					// publish
					// (the first waits out Redis timeouts), it says one revocation is
					// waiting.
					Instant metricBy = Instant.now().plusSeconds(5);
					while (unrelayedMetric(nodeA, client) == 0 && Instant.now().isBefore(metricBy)) {
						Thread.sleep(100);
					}
					assertThat(unrelayedMetric(nodeA, client)).as("revocations waiting, on the revoking node")
						.isEqualTo(1.0);

					proxy.restore();
					String message = null;
					Instant deadline = Instant.now().plusSeconds(3);
					while (Instant.now().isBefore(deadline)) {
						String next = messages.poll(100, TimeUnit.MILLISECONDS);
						if (next != null && next.contains(TokenHash.of(token))) {
							message = next;
							break;
						}
					}
					assertThat(message).as("published once Redis is back").isNotNull();
					Thread.sleep(600);
					assertThat(unrelayedMetric(nodeA, client)).isZero();
				}
				finally {
					gateway.stop();
					gateway.destroy();
				}
			}
		}
	}

	private static void assertInactiveFrom(OAuthFlows node, TestBrowser client, String token, Instant from,
			Duration during) throws InterruptedException {
		Instant until = from.plus(during);
		while (Instant.now().isBefore(from)) {
			Thread.sleep(50);
		}
		while (Instant.now().isBefore(until)) {
			assertThat(node.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token))
				.as("introspection at %s", Instant.now())
				.isEqualTo(Map.of("active", false));
			Thread.sleep(100);
		}
	}

	/** {@code lanyard_revocations_unrelayed} as Prometheus scrapes it. */
	private static double unrelayedMetric(LanyardTestServer node, TestBrowser client) {
		return metric(node, client, "lanyard_revocations_unrelayed");
	}

	/** A metric without labels as Prometheus scrapes it. */
	private static double metric(LanyardTestServer node, TestBrowser client, String name) {
		String metrics = client
			.get(node.baseUrl() + "/actuator/prometheus", "Authorization", "Bearer " + LanyardTestServer.METRICS_TOKEN)
			.body();
		return metrics.lines()
			.filter((line) -> line.startsWith(name + " "))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + name + " in " + metrics));
	}

	private static String serviceToken(OAuthFlows node, TestBrowser client) {
		return node.clientCredentialsToken(client, "service", TestBootstrap.SERVICE_SECRET);
	}

}
