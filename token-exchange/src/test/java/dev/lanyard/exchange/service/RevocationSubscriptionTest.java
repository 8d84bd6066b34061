package dev.lanyard.exchange.service;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import dev.lanyard.exchange.GatewayTokenExchanger;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exchange service with the machine's Redis behind a relay: a subscription that goes
 * deaf while its connection stays open, and while the connection that sends commands
 * keeps working (a network device dropping the idle subscription silently), is noticed by
 * the heartbeat that should come back on it, reported, and replaced once Redis can be
 * heard again. Before the heartbeat, such a subscription counted as heard for as long as
 * Redis answered a {@code PING} on the other connection, and a revoked token's cached JWT
 * was served until it expired.
 */
class RevocationSubscriptionTest {

	private static final int REDIS_PORT = 6379;

	@Test
	void subscriptionWhenStalledWhileRedisAnswersThenNotHeardWithinSecondsAndReplacedOnceItIsBack() throws Exception {
		String channel = "lanyard-test-" + UUID.randomUUID() + ":revocations";
		try (SubscriptionStallingRelay relay = new SubscriptionStallingRelay(REDIS_PORT);
				LanyardHeartbeats lanyard = new LanyardHeartbeats(channel);
				ConfigurableApplicationContext service = TokenExchangeServiceApplication.application()
					.run("--server.port=0", "--lanyard.exchange.issuer=http://127.0.0.1:9",
							"--lanyard.exchange.client-id=gateway", "--lanyard.exchange.client-secret=gateway-secret",
							"--spring.data.redis.url=redis://127.0.0.1:" + relay.port(),
							"--lanyard.exchange.revocation-channel=" + channel)) {
			GatewayTokenExchanger exchanger = service.getBean(GatewayTokenExchanger.class);
			String health = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port")
					+ "/actuator/health";
			assertThat(eventually(Duration.ofSeconds(10), exchanger::revocationsHeard)).as("subscribed").isTrue();
			// Heartbeats keep a working subscription heard: longer than the silence
			// allowed.
			Thread.sleep(RevocationSubscription.SILENCE.plusSeconds(2).toMillis());
			assertThat(exchanger.revocationsHeard()).as("heard while it works").isTrue();

			relay.stallSubscriptions();
			long stalled = System.nanoTime();
			assertThat(eventually(Duration.ofSeconds(10), () -> !exchanger.revocationsHeard()))
				.as("a deaf subscription is noticed")
				.isTrue();
			// The silence allowed, the next check, and a heartbeat that was under way.
			assertThat(Duration.ofNanos(System.nanoTime() - stalled))
				.isLessThan(RevocationSubscription.SILENCE.plusSeconds(3));
			assertThat(get(health)).contains("\"status\":\"DEGRADED\"")
				.containsPattern("\"revocations\":\\{[^}]*\"status\":\"DEGRADED\"");
			// Still deaf while every new subscription stalls too.
			Thread.sleep(3000);
			assertThat(exchanger.revocationsHeard()).isFalse();

			relay.restore();
			assertThat(eventually(Duration.ofSeconds(15), exchanger::revocationsHeard))
				.as("subscribed again on a new connection")
				.isTrue();
			Thread.sleep(RevocationSubscription.SILENCE.plusSeconds(2).toMillis());
			assertThat(exchanger.revocationsHeard()).as("heard again for good").isTrue();
			assertThat(get(health)).contains("\"status\":\"UP\"");
		}
	}

	/**
	 * The gateway's own subscription works, but Lanyard's heartbeat stops (its nodes lost
	 * Redis, or publish under another key prefix): revocations are not heard, health says
	 * so, and cached JWTs are trusted again only once the heartbeat is back. Before, the
	 * gateway trusted its cache for as long as its own connection worked.
	 */
	@Test
	void publisherWhenSilentWhileSubscriptionWorksThenNotHeardUntilItsHeartbeatIsBack() throws Exception {
		String channel = "lanyard-test-" + UUID.randomUUID() + ":revocations";
		try (LanyardHeartbeats lanyard = new LanyardHeartbeats(channel);
				ConfigurableApplicationContext service = TokenExchangeServiceApplication.application()
					.run("--server.port=0", "--lanyard.exchange.issuer=http://127.0.0.1:9",
							"--lanyard.exchange.client-id=gateway", "--lanyard.exchange.client-secret=gateway-secret",
							"--spring.data.redis.url=redis://127.0.0.1:" + REDIS_PORT,
							"--lanyard.exchange.revocation-channel=" + channel)) {
			GatewayTokenExchanger exchanger = service.getBean(GatewayTokenExchanger.class);
			String health = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port")
					+ "/actuator/health";
			assertThat(eventually(Duration.ofSeconds(10), exchanger::revocationsHeard)).as("subscribed").isTrue();
			Thread.sleep(RevocationSubscription.PUBLISHER_SILENCE.plusSeconds(2).toMillis());
			assertThat(exchanger.revocationsHeard()).as("heard while Lanyard's heartbeat comes").isTrue();

			lanyard.pause();
			long silent = System.nanoTime();
			assertThat(eventually(Duration.ofSeconds(15), () -> !exchanger.revocationsHeard()))
				.as("Lanyard's silence is noticed")
				.isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - silent))
				.isLessThan(RevocationSubscription.PUBLISHER_SILENCE.plusSeconds(3));
			assertThat(exchanger.revocationChannelHeard()).as("the subscription itself works").isTrue();
			assertThat(get(health)).contains("\"status\":\"DEGRADED\"");

			lanyard.resume();
			assertThat(eventually(Duration.ofSeconds(5), exchanger::revocationsHeard)).as("heard again").isTrue();
			assertThat(get(health)).contains("\"status\":\"UP\"");
		}
	}

	/**
	 * Stands in for Lanyard's nodes on the revocation channel: publishes the heartbeat
	 * Lanyard's relay publishes (RevocationChannel.HEARTBEAT) twice a second, straight to
	 * the machine's Redis.
	 */
	private static final class LanyardHeartbeats implements AutoCloseable {

		private final LettuceConnectionFactory connections = new LettuceConnectionFactory("127.0.0.1", REDIS_PORT);

		private final java.util.concurrent.ScheduledExecutorService publisher = java.util.concurrent.Executors
			.newSingleThreadScheduledExecutor();

		private volatile boolean paused;

		LanyardHeartbeats(String channel) {
			this.connections.afterPropertiesSet();
			this.connections.start();
			StringRedisTemplate redis = new StringRedisTemplate(this.connections);
			this.publisher.scheduleWithFixedDelay(() -> {
				if (!this.paused) {
					redis.convertAndSend(channel, RevocationSubscription.PUBLISHER_HEARTBEAT);
				}
			}, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
		}

		void pause() {
			this.paused = true;
		}

		void resume() {
			this.paused = false;
		}

		@Override
		public void close() {
			this.publisher.shutdownNow();
			this.connections.destroy();
		}

	}

	private static boolean eventually(Duration limit, BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + limit.toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return true;
			}
			Thread.sleep(100);
		}
		return condition.getAsBoolean();
	}

	private static String get(String url) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
			.body();
	}

}
