package dev.lanyard.server.exchange;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.TcpProxy;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What tells a gateway that revocations reach it is Lanyard's, not the gateway's own
 * connection: a node publishes its heartbeat on the revocation channel while it can
 * publish there, and keeps a revocation stream alive only while it can read the outbox.
 * Cut the node off (Redis, PostgreSQL) and the signal stops, so gateways stop trusting
 * their caches; bring it back and the signal returns.
 */
class RevocationLivenessTest {

	@Test
	void heartbeatWhenNodeLosesRedisThenStopsAndWhenRedisIsBackThenResumes() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		URI redis = URI.create(deployment.get("spring.data.redis.url"));
		String channel = deployment.get("lanyard.redis.key-prefix") + "revocations";
		BlockingQueue<String> heard = new LinkedBlockingQueue<>();
		LettuceConnectionFactory connections = new LettuceConnectionFactory(redis.getHost(), redis.getPort());
		connections.afterPropertiesSet();
		connections.start();
		RedisMessageListenerContainer gateway = new RedisMessageListenerContainer();
		gateway.setConnectionFactory(connections);
		gateway.addMessageListener(
				(message, pattern) -> heard.add(new String(message.getBody(), StandardCharsets.UTF_8)),
				new ChannelTopic(channel));
		gateway.afterPropertiesSet();
		gateway.start();
		try (TcpProxy proxy = new TcpProxy(redis.getPort())) {
			deployment.put("spring.data.redis.url", "redis://127.0.0.1:" + proxy.port());
			try (LanyardTestServer node = LanyardTestServer.start(deployment)) {
				assertThat(heard.poll(5, TimeUnit.SECONDS)).as("a heartbeat while the node reaches Redis")
					.isEqualTo(RevocationChannel.HEARTBEAT);

				proxy.refuse();
				Thread.sleep(1500);
				heard.clear();
				assertThat(heard.poll(4, TimeUnit.SECONDS)).as("none while the node cannot publish").isNull();

				proxy.restore();
				assertThat(heard.poll(10, TimeUnit.SECONDS)).as("heartbeats again once Redis is back")
					.isEqualTo(RevocationChannel.HEARTBEAT);
			}
		}
		finally {
			gateway.stop();
			gateway.destroy();
			connections.destroy();
		}
	}

	@Test
	void streamWhenNodeCannotReadTheOutboxThenNoKeepAliveUntilItCanAgain() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		URI database = URI.create(deployment.get("spring.datasource.url").substring("jdbc:".length()));
		try (TcpProxy proxy = new TcpProxy(database.getPort())) {
			deployment.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + database.getPath());
			try (LanyardTestServer node = LanyardTestServer.start(deployment)) {
				HttpResponse<InputStream> stream = HttpClient.newHttpClient()
					.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/revocations"))
						.header("Accept", "text/event-stream")
						.header("Authorization",
								"Basic " + Base64.getEncoder()
									.encodeToString(("gateway:" + TestBootstrap.GATEWAY_SECRET)
										.getBytes(StandardCharsets.UTF_8)))
						.build(), HttpResponse.BodyHandlers.ofInputStream());
				assertThat(stream.statusCode()).isEqualTo(200);
				BlockingQueue<String> keepAlives = new LinkedBlockingQueue<>();
				Thread reader = new Thread(() -> {
					try (BufferedReader lines = new BufferedReader(
							new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
						String line;
						while ((line = lines.readLine()) != null) {
							if (line.startsWith(":")) {
								keepAlives.add(line);
							}
						}
					}
					catch (Exception ex) {
						// closed at the end
					}
				});
				reader.setDaemon(true);
				reader.start();
				Duration interval = RevocationStream.KEEP_ALIVE;
				assertThat(keepAlives.poll(interval.plusSeconds(3).toSeconds(), TimeUnit.SECONDS))
					.as("a keep-alive while the outbox is read")
					.isNotNull();

				proxy.refuse();
				// Keep-alives stop once the outbox has gone unread this long.
				Thread.sleep(RevocationStream.OUTBOX_UNREAD.plusSeconds(1).toMillis());
				keepAlives.clear();
				assertThat(keepAlives.poll(interval.multipliedBy(2).toSeconds(), TimeUnit.SECONDS))
					.as("none while it cannot be")
					.isNull();

				proxy.restore();
				assertThat(keepAlives.poll(interval.multipliedBy(2).plusSeconds(5).toSeconds(), TimeUnit.SECONDS))
					.as("keep-alives again once PostgreSQL is back")
					.isNotNull();
				stream.body().close();
			}
		}
	}

	/**
	 * The database restored from a backup while gateways listen: the outbox's ids go
	 * back, and revocations recorded from then on took ids the stream had passed, so they
	 * never reached a gateway that kept trusting its cache. The stream starts afresh
	 * ({@code reset}) and the next revocation arrives.
	 */
	@Test
	void streamWhenOutboxIdsGoBackThenResetAndLaterRevocationsStillSent() throws Exception {
		try (LanyardTestServer node = LanyardTestServer.start(LanyardTestServer.newDeployment())) {
			OAuthFlows flows = new OAuthFlows(node.baseUrl());
			RevocationStreamTest.Stream stream = RevocationStreamTest.Stream.of(java.net.http.HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + "/revocations"))
					.header("Accept", "text/event-stream")
					.header("Authorization", "Basic " + Base64.getEncoder()
						.encodeToString(("gateway:" + TestBootstrap.GATEWAY_SECRET).getBytes(StandardCharsets.UTF_8)))
					.build(), HttpResponse.BodyHandlers.ofInputStream()));
			assertThat(stream.next().name()).isEqualTo("reset");
			for (int i = 0; i < 3; i++) {
				revoke(flows);
				assertThat(stream.next().name()).isEqualTo("revocation");
			}

			// As a restore of an earlier backup leaves it: fewer rows, the sequence back.
			org.springframework.jdbc.core.simple.JdbcClient jdbc = org.springframework.jdbc.core.simple.JdbcClient
				.create(node.bean(javax.sql.DataSource.class));
			jdbc.sql("DELETE FROM revocation_outbox").update();
			jdbc.sql("SELECT setval('revocation_outbox_id_seq', 1, false)").query(Long.class).single();

			assertThat(stream.next().name()).as("the stream starts afresh").isEqualTo("reset");
			revoke(flows);
			assertThat(stream.next().name()).as("a revocation after the restore arrives").isEqualTo("revocation");
			stream.close();
		}
	}

	private static void revoke(OAuthFlows flows) {
		TestBrowser client = new TestBrowser();
		String token = flows.clientCredentialsToken(client, "service", TestBootstrap.SERVICE_SECRET);
		assertThat(flows.revoke(client, "service", TestBootstrap.SERVICE_SECRET, token).statusCode()).isEqualTo(200);
	}

}
