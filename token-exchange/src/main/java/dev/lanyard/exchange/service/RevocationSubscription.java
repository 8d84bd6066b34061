package dev.lanyard.exchange.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.lanyard.exchange.GatewayTokenExchanger;
import dev.lanyard.exchange.RevocationStreamClient;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.SubscriptionListener;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Listens to the authorization server's revocation channel and drops cached JWTs of
 * revoked tokens at once. Active when Redis is configured ({@code SPRING_DATA_REDIS_URL},
 * or a Sentinel master and its sentinels, or Cluster nodes); without Redis,
 * {@link RevocationStreamSubscription} hears them over HTTP instead.
 * <p>
 * The service starts whether Redis is there or not, and subscribes in the background,
 * retrying every second. Every second it also checks that Redis answers: while the
 * channel cannot be heard, the exchanger serves cached JWTs for a few seconds only, and
 * once it is heard again it drops them all (issue 9, item 8). Health shows
 * {@code revocations} as {@code DEGRADED} meanwhile, metrics
 * {@code lanyard_gateway_revocations_heard}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${spring.data.redis.url:}${spring.data.redis.sentinel.master:}${spring.data.redis.cluster.nodes:}'.isEmpty()")
class RevocationSubscription {

	private static final Logger logger = LoggerFactory.getLogger(RevocationSubscription.class);

	private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

	@Bean
	RedisMessageListenerContainer revocationListener(RedisConnectionFactory connections,
			GatewayTokenExchanger exchanger, ExchangeServiceProperties properties) {
		RedisMessageListenerContainer container = new RedisMessageListenerContainer();
		container.setConnectionFactory(connections);
		// Started by the watch below, in the background: never a reason not to start.
		container.setAutoStartup(false);
		container.addMessageListener(new RevocationListener(exchanger),
				new ChannelTopic(properties.revocationChannel()));
		return container;
	}

	@Bean
	RevocationWatch revocationWatch(RedisMessageListenerContainer container, RedisConnectionFactory connections,
			GatewayTokenExchanger exchanger) {
		return new RevocationWatch(container, connections, exchanger);
	}

	/**
	 * Reconnect within two seconds of Redis coming back (Lettuce would wait up to 30 s).
	 */
	@Bean
	ClientResourcesBuilderCustomizer quickRedisReconnect() {
		return (resources) -> resources
			.reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
	}

	static List<String> tokenHashes(byte[] message) {
		return RevocationStreamClient.tokenHashes(new String(message, StandardCharsets.UTF_8));
	}

	/**
	 * Revocation messages, and the (re)subscriptions that tell the channel is heard again
	 * (each one may follow a gap, so each drops what is cached).
	 */
	private static final class RevocationListener implements MessageListener, SubscriptionListener {

		private final GatewayTokenExchanger exchanger;

		RevocationListener(GatewayTokenExchanger exchanger) {
			this.exchanger = exchanger;
		}

		@Override
		public void onMessage(Message message, byte[] pattern) {
			this.exchanger.revoked(tokenHashes(message.getBody()));
		}

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			this.exchanger.revocationFeedSubscribed();
		}

	}

	/**
	 * Starts the subscription in the background and checks every second that Redis
	 * answers.
	 */
	static final class RevocationWatch implements SmartLifecycle {

		private final RedisMessageListenerContainer container;

		private final RedisConnectionFactory connections;

		private final GatewayTokenExchanger exchanger;

		private final AtomicBoolean running = new AtomicBoolean();

		private Thread thread;

		RevocationWatch(RedisMessageListenerContainer container, RedisConnectionFactory connections,
				GatewayTokenExchanger exchanger) {
			this.container = container;
			this.connections = connections;
			this.exchanger = exchanger;
		}

		@Override
		public void start() {
			if (!this.running.compareAndSet(false, true)) {
				return;
			}
			// Not heard until the first subscription confirms it.
			this.exchanger.revocationFeed(false);
			this.thread = new Thread(this::watch, "lanyard-revocation-watch");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		private void watch() {
			boolean warned = false;
			while (this.running.get()) {
				try {
					try (RedisConnection connection = this.connections.getConnection()) {
						connection.ping();
					}
					if (!this.exchanger.revocationsHeard()) {
						// Redis answers again: subscribe afresh; the confirmation marks
						// the
						// channel heard (and drops what was cached while it was not).
						if (this.container.isRunning()) {
							this.container.stop();
						}
						this.container.start();
					}
					warned = false;
				}
				catch (RuntimeException ex) {
					// Redis unreachable: whatever the subscription says, nothing is
					// heard.
					this.exchanger.revocationFeed(false);
					if (!warned) {
						logger.warn("Revocation channel not heard ({}); cached JWTs are served for {} s at most",
								ex.getMessage(), GatewayTokenExchanger.UNHEARD_CACHE_TTL.toSeconds());
						warned = true;
					}
				}
				try {
					Thread.sleep(CHECK_INTERVAL.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}

		@Override
		public void stop() {
			this.running.set(false);
			if (this.thread != null) {
				this.thread.interrupt();
			}
			if (this.container.isRunning()) {
				this.container.stop();
			}
		}

		@Override
		public boolean isRunning() {
			return this.running.get();
		}

	}

}
