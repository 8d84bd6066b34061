package dev.lanyard.exchange.service;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.lanyard.exchange.GatewayTokenExchanger;
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
 * retrying every second. Every second it also publishes a heartbeat on a channel of its
 * own, which its subscription listens to beside the revocation channel: the heartbeat
 * goes out on the command connection and comes back on the subscription's, so its arrival
 * proves that a revocation published then would have arrived too. A subscription that
 * stops delivering without its connection closing (a stalled or half-open connection, an
 * idle timeout in a network device that drops rather than resets: Redis may still count
 * it as subscribed, and nothing on the client side notices) is noticed when no heartbeat
 * has come for {@link #SILENCE}, and is replaced. While the channel is not heard, the
 * exchanger serves cached JWTs for a few seconds only, and once it is heard again it
 * drops them all (issue 9, item 8). Health shows {@code revocations} as {@code DEGRADED}
 * meanwhile, metrics {@code lanyard_gateway_revocations_heard}.
 * <p>
 * A channel heard proves only this side of it. Lanyard's nodes publish a heartbeat there
 * every second while they can read their outbox and reach Redis; when none has come for
 * {@link #PUBLISHER_SILENCE} (Lanyard's nodes lost Redis and revocations wait in their
 * outbox, or Lanyard publishes to another Redis, database or key prefix), revocations are
 * not heard either, with the same consequences.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${spring.data.redis.url:}${spring.data.redis.sentinel.master:}${spring.data.redis.cluster.nodes:}'.isEmpty()")
class RevocationSubscription {

	private static final Logger logger = LoggerFactory.getLogger(RevocationSubscription.class);

	private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

	/**
	 * How long the subscription may go without a heartbeat (one is sent every
	 * {@link #CHECK_INTERVAL}) before it counts as not heard: three missed in a row.
	 */
	static final Duration SILENCE = Duration.ofSeconds(3);

	/**
	 * How long the channel may go without Lanyard's heartbeat (each node sends one every
	 * second while it can publish) before revocations count as not heard.
	 */
	static final Duration PUBLISHER_SILENCE = Duration.ofSeconds(5);

	/** Lanyard's heartbeat on the revocation channel. */
	static final String PUBLISHER_HEARTBEAT = "{\"heartbeat\":true}";

	@Bean
	Heartbeat revocationHeartbeat(ExchangeServiceProperties properties) {
		// Each instance its own channel: nobody else hears its heartbeats.
		return new Heartbeat(properties.revocationChannel() + ":heartbeat:" + UUID.randomUUID());
	}

	@Bean
	RedisMessageListenerContainer revocationListener(RedisConnectionFactory connections,
			GatewayTokenExchanger exchanger, ExchangeServiceProperties properties, Heartbeat heartbeat,
			PublisherHeartbeat publisher) {
		RedisMessageListenerContainer container = new RedisMessageListenerContainer();
		container.setConnectionFactory(connections);
		// Started by the watch below, in the background: never a reason not to start.
		container.setAutoStartup(false);
		container.addMessageListener(
				new RevocationListener(exchanger, properties.revocationChannel(), heartbeat, publisher),
				new ChannelTopic(properties.revocationChannel()));
		container.addMessageListener(heartbeat, new ChannelTopic(heartbeat.channel()));
		return container;
	}

	@Bean
	PublisherHeartbeat revocationPublisherHeartbeat() {
		return new PublisherHeartbeat();
	}

	@Bean
	RevocationWatch revocationWatch(RedisMessageListenerContainer container, RedisConnectionFactory connections,
			GatewayTokenExchanger exchanger, Heartbeat heartbeat, PublisherHeartbeat publisher) {
		return new RevocationWatch(container, connections, exchanger, heartbeat, publisher);
	}

	/**
	 * Reconnect within two seconds of Redis coming back (Lettuce would wait up to 30 s).
	 */
	@Bean
	ClientResourcesBuilderCustomizer quickRedisReconnect() {
		return (resources) -> resources
			.reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
	}

	/**
	 * Revocation messages, and the (re)subscriptions that tell the channel is heard again
	 * (each one may follow a gap, so each drops what is cached).
	 */
	private static final class RevocationListener implements MessageListener, SubscriptionListener {

		private final GatewayTokenExchanger exchanger;

		private final byte[] channel;

		private final Heartbeat heartbeat;

		private final PublisherHeartbeat publisher;

		private final byte[] publisherHeartbeat = PUBLISHER_HEARTBEAT.getBytes(StandardCharsets.UTF_8);

		RevocationListener(GatewayTokenExchanger exchanger, String channel, Heartbeat heartbeat,
				PublisherHeartbeat publisher) {
			this.exchanger = exchanger;
			this.channel = channel.getBytes(StandardCharsets.UTF_8);
			this.heartbeat = heartbeat;
			this.publisher = publisher;
		}

		@Override
		public void onMessage(Message message, byte[] pattern) {
			if (Arrays.equals(message.getBody(), this.publisherHeartbeat)) {
				this.publisher.heard();
				return;
			}
			this.exchanger.revocationMessage(new String(message.getBody(), StandardCharsets.UTF_8));
		}

		@Override
		public void onChannelSubscribed(byte[] channel, long count) {
			// The heartbeat channel's confirmation comes too (one SUBSCRIBE names both).
			if (Arrays.equals(channel, this.channel)) {
				// A new subscription: its silence is counted from now.
				this.heartbeat.heard();
				this.exchanger.revocationFeedSubscribed();
			}
		}

	}

	/**
	 * The instance's heartbeat channel and when a heartbeat last came back on the
	 * subscription.
	 */
	static final class Heartbeat implements MessageListener {

		private final String channel;

		private final AtomicLong lastHeard = new AtomicLong(System.nanoTime());

		Heartbeat(String channel) {
			this.channel = channel;
		}

		String channel() {
			return this.channel;
		}

		@Override
		public void onMessage(Message message, byte[] pattern) {
			heard();
		}

		void heard() {
			this.lastHeard.set(System.nanoTime());
		}

		Duration silence() {
			return Duration.ofNanos(System.nanoTime() - this.lastHeard.get());
		}

	}

	/** When Lanyard's heartbeat last came on the revocation channel. */
	static final class PublisherHeartbeat {

		// From start: a gateway starting before Lanyard is not heard for long.
		private final AtomicLong lastHeard = new AtomicLong(System.nanoTime());

		void heard() {
			this.lastHeard.set(System.nanoTime());
		}

		Duration silence() {
			return Duration.ofNanos(System.nanoTime() - this.lastHeard.get());
		}

	}

	/**
	 * Starts the subscription in the background, and every second sends a heartbeat and
	 * checks that the last one came back, and that Lanyard's keep coming.
	 */
	static final class RevocationWatch implements SmartLifecycle {

		private static final byte[] HEARTBEAT = "1".getBytes(StandardCharsets.UTF_8);

		private final RedisMessageListenerContainer container;

		private final RedisConnectionFactory connections;

		private final GatewayTokenExchanger exchanger;

		private final Heartbeat heartbeat;

		private final byte[] heartbeatChannel;

		private final AtomicBoolean running = new AtomicBoolean();

		private Thread thread;

		private final PublisherHeartbeat publisher;

		private boolean publisherWarned;

		RevocationWatch(RedisMessageListenerContainer container, RedisConnectionFactory connections,
				GatewayTokenExchanger exchanger, Heartbeat heartbeat, PublisherHeartbeat publisher) {
			this.publisher = publisher;
			this.container = container;
			this.connections = connections;
			this.exchanger = exchanger;
			this.heartbeat = heartbeat;
			this.heartbeatChannel = heartbeat.channel().getBytes(StandardCharsets.UTF_8);
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
						// Also proves that Redis answers on the command connection.
						connection.publish(this.heartbeatChannel, HEARTBEAT);
					}
					watchPublisher();
					if (this.exchanger.revocationChannelHeard() && this.heartbeat.silence().compareTo(SILENCE) > 0) {
						// Redis answers, but the subscription has delivered nothing for
						// three heartbeats: whatever its connection says, it is deaf.
						this.exchanger.revocationFeed(false);
						logger.warn(
								"Revocation channel not heard (no heartbeat on the subscription for {} s); cached JWTs are served for {} s at most while it is replaced",
								SILENCE.toSeconds(), GatewayTokenExchanger.UNHEARD_CACHE_TTL.toSeconds());
						warned = true;
					}
					if (!this.exchanger.revocationChannelHeard()) {
						// Subscribe afresh, on a new connection; the confirmation marks
						// the channel heard (and drops what was cached while it was not).
						if (this.container.isRunning()) {
							this.container.stop();
						}
						this.container.start();
					}
					else {
						warned = false;
					}
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

		/**
		 * Revocations count as heard only while Lanyard's heartbeat comes (checked while
		 * the channel itself is heard: a deaf subscription hears no heartbeat either).
		 */
		private void watchPublisher() {
			if (!this.exchanger.revocationChannelHeard()) {
				return;
			}
			boolean silent = this.publisher.silence().compareTo(PUBLISHER_SILENCE) > 0;
			this.exchanger.revocationPublisher(!silent);
			if (silent && !this.publisherWarned) {
				logger.warn("No heartbeat from Lanyard on the revocation channel for {} s: its nodes cannot publish "
						+ "revocations (Redis or PostgreSQL unreachable from them), or publish elsewhere (check that "
						+ "Lanyard and this service use the same Redis and LANYARD_REDIS_KEYPREFIX); cached JWTs are "
						+ "served for {} s at most", PUBLISHER_SILENCE.toSeconds(),
						GatewayTokenExchanger.UNHEARD_CACHE_TTL.toSeconds());
			}
			this.publisherWarned = silent;
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
