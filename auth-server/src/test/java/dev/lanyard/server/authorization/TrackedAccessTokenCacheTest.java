package dev.lanyard.server.authorization;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.lanyard.server.TcpProxy;
import dev.lanyard.server.TestBackends;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node's copy of the token cache against a real Redis: served without a round trip,
 * dropped when any node changes a key, and not believed while its tracking connection is
 * down or silent. "Another node" is a second cache on its own connection; the tracking
 * connection goes through a TCP relay that can drop or stall it.
 */
class TrackedAccessTokenCacheTest {

	private static final Duration MINUTE = Duration.ofMinutes(1);

	private final List<AutoCloseable> resources = new ArrayList<>();

	private TcpProxy relay;

	private RedisClient trackingClient;

	private RedisAccessTokenCache otherNode;

	private final AtomicInteger trackedReads = new AtomicInteger();

	private CountDownLatch held;

	private TrackedAccessTokenCache node;

	@BeforeEach
	void start() throws Exception {
		URI redis = URI.create(TestBackends.redisUrl());
		String prefix = "tracked-test-" + UUID.randomUUID() + ":";
		this.relay = new TcpProxy(redis.getPort());
		this.resources.add(this.relay);
		this.trackingClient = RedisClient.create(RedisURI.builder()
			.withHost("127.0.0.1")
			.withPort(this.relay.port())
			.withTimeout(Duration.ofSeconds(1))
			.build());
		this.resources.add(this.trackingClient::shutdown);
		this.otherNode = new RedisAccessTokenCache(template(redis), prefix);
		this.node = new TrackedAccessTokenCache(new RedisAccessTokenCache(template(redis), prefix), prefix + "at:",
				this.trackingClient::connect, MINUTE);
		this.node.afterTrackedRead = this.trackedReads::incrementAndGet;
		this.resources.add(this.node);
		awaitTrue("tracking on", this.node::believed, Duration.ofSeconds(5));
	}

	@AfterEach
	void stop() throws Exception {
		Collections.reverse(this.resources);
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	@Test
	void getWhenReadBeforeThenServedByTheNodeUntilAnotherNodeChangesIt() throws Exception {
		this.otherNode.putIfNewer("h1", new AccessTokenCache.Entry(1, "{\"v\":1}"), MINUTE);
		awaitCopyOnNode("h1");

		int reads = this.trackedReads.get();
		assertThat(this.node.get("h1")).contains(new AccessTokenCache.Entry(1, "{\"v\":1}"));
		assertThat(this.trackedReads).as("no Redis round trip").hasValue(reads);

		this.otherNode.putIfNewer("h1", AccessTokenCache.Entry.tombstone(2), MINUTE);
		awaitTrue("the change pushed", () -> this.node.get("h1").map(AccessTokenCache.Entry::gone).orElse(false),
				Duration.ofSeconds(1));
		assertThat(this.trackedReads).hasValueGreaterThan(reads);
	}

	@Test
	void putWhenThisNodeWritesThenItsCopyIsDroppedAtOnce() throws Exception {
		this.otherNode.putIfNewer("h2", new AccessTokenCache.Entry(1, "{\"v\":1}"), MINUTE);
		awaitCopyOnNode("h2");

		this.node.putIfNewer("h2", AccessTokenCache.Entry.tombstone(2), MINUTE);

		assertThat(this.node.get("h2")).hasValueSatisfying((entry) -> assertThat(entry.gone()).isTrue());
	}

	@Test
	void getWhenTrackingConnectionDroppedThenCopyClearedAndNotBelievedUntilTrackingIsBack() throws Exception {
		this.otherNode.putIfNewer("h3", new AccessTokenCache.Entry(1, "{\"v\":1}"), MINUTE);
		awaitCopyOnNode("h3");

		this.relay.blackhole();
		this.relay.cut();
		awaitTrue("the drop noticed", () -> !this.node.believed(), Duration.ofSeconds(2));
		// Changed while the node cannot hear it: its push is lost with the connection.
		this.otherNode.putIfNewer("h3", new AccessTokenCache.Entry(2, "{\"v\":2}"), MINUTE);
		assertThat(this.node.get("h3")).as("read from Redis meanwhile")
			.contains(new AccessTokenCache.Entry(2, "{\"v\":2}"));
		this.otherNode.putIfNewer("h3", new AccessTokenCache.Entry(3, "{\"v\":3}"), MINUTE);

		this.relay.restore();
		awaitTrue("tracking on again", this.node::believed, Duration.ofSeconds(5));
		assertThat(this.node.get("h3")).contains(new AccessTokenCache.Entry(3, "{\"v\":3}"));
	}

	@Test
	void getWhenTrackingConnectionStallsThenCopyNotBelievedWithinHalfASecond() throws Exception {
		this.otherNode.putIfNewer("h4", new AccessTokenCache.Entry(1, "{\"v\":1}"), MINUTE);
		awaitCopyOnNode("h4");

		this.relay.blackhole();
		this.otherNode.putIfNewer("h4", new AccessTokenCache.Entry(2, "{\"v\":2}"), MINUTE);
		Instant changed = Instant.now();
		sleepUntil(changed
			.plusMillis(TrackedAccessTokenCache.HEARD_WITHIN_MILLIS + TrackedAccessTokenCache.PING_INTERVAL_MILLIS));
		assertThat(this.node.believed()).isFalse();
		assertThat(this.node.get("h4")).contains(new AccessTokenCache.Entry(2, "{\"v\":2}"));

		this.relay.restore();
		awaitTrue("heard again", this.node::believed, Duration.ofSeconds(2));
		assertThat(this.node.get("h4")).as("the held-back push arrived before the answer that restored belief")
			.contains(new AccessTokenCache.Entry(2, "{\"v\":2}"));
	}

	/**
	 * On RESP2 Redis takes CLIENT TRACKING but sends no push on the connection: a node
	 * whose connection fell back to RESP2 must never believe a copy.
	 */
	@Test
	void getWhenConnectionSpeaksOnlyResp2ThenNeverBelieved() throws Exception {
		URI redis = URI.create(TestBackends.redisUrl());
		RedisClient resp2 = RedisClient.create(RedisURI.create(redis.getHost(), redis.getPort()));
		resp2.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
		this.resources.add(resp2::shutdown);
		String prefix = "tracked-resp2-" + UUID.randomUUID() + ":";
		TrackedAccessTokenCache resp2Node = new TrackedAccessTokenCache(
				new RedisAccessTokenCache(template(redis), prefix), prefix + "at:", resp2::connect, MINUTE);
		this.resources.add(resp2Node);
		RedisAccessTokenCache other = new RedisAccessTokenCache(template(redis), prefix);
		other.putIfNewer("h7", new AccessTokenCache.Entry(1, "{\"v\":1}"), MINUTE);

		Thread.sleep(1500);
		assertThat(resp2Node.believed()).isFalse();
		assertThat(resp2Node.get("h7")).contains(new AccessTokenCache.Entry(1, "{\"v\":1}"));
		other.putIfNewer("h7", AccessTokenCache.Entry.tombstone(2), MINUTE);
		assertThat(resp2Node.get("h7")).hasValueSatisfying((entry) -> assertThat(entry.gone()).isTrue());
	}

	/**
	 * A read that returned just before another node's change, and is kept only after the
	 * change's push arrived, must not stay (the push found nothing to drop yet).
	 */
	@Test
	void getWhenChangePushedWhileReadingThenWhatWasReadIsNotKept() throws Exception {
		this.otherNode.putIfNewer("h5", new AccessTokenCache.Entry(1, "{\"v\":1}"), MINUTE);
		Thread.sleep(100);
		CountDownLatch release = holdNextTrackedRead();
		CompletableFuture<Optional<AccessTokenCache.Entry>> reading = new CompletableFuture<>();
		new Thread(() -> reading.complete(this.node.get("h5"))).start();
		awaitHeldRead();

		this.otherNode.putIfNewer("h5", new AccessTokenCache.Entry(2, "{\"v\":2}"), MINUTE);
		Thread.sleep(200);
		release.countDown();
		assertThat(reading.get(2, TimeUnit.SECONDS)).contains(new AccessTokenCache.Entry(1, "{\"v\":1}"));

		assertThat(this.node.get("h5")).contains(new AccessTokenCache.Entry(2, "{\"v\":2}"));
	}

	/**
	 * A read that began before the tracking connection dropped, and ends after tracking
	 * is back, must not be kept: a change in between was never pushed.
	 */
	@Test
	void getWhenTrackingLostAndBackWhileReadingThenWhatWasReadIsNotKept() throws Exception {
		this.otherNode.putIfNewer("h6", new AccessTokenCache.Entry(1, "{\"v\":1}"), MINUTE);
		Thread.sleep(100);
		CountDownLatch release = holdNextTrackedRead();
		CompletableFuture<Optional<AccessTokenCache.Entry>> reading = new CompletableFuture<>();
		new Thread(() -> reading.complete(this.node.get("h6"))).start();
		awaitHeldRead();

		this.relay.blackhole();
		this.relay.cut();
		awaitTrue("the drop noticed", () -> !this.node.believed(), Duration.ofSeconds(2));
		this.otherNode.putIfNewer("h6", new AccessTokenCache.Entry(2, "{\"v\":2}"), MINUTE);
		this.relay.restore();
		awaitTrue("tracking on again", this.node::believed, Duration.ofSeconds(5));
		release.countDown();
		assertThat(reading.get(2, TimeUnit.SECONDS)).contains(new AccessTokenCache.Entry(1, "{\"v\":1}"));

		assertThat(this.node.get("h6")).contains(new AccessTokenCache.Entry(2, "{\"v\":2}"));
	}

	private StringRedisTemplate template(URI redis) {
		LettuceConnectionFactory connections = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()));
		connections.afterPropertiesSet();
		connections.start();
		this.resources.add(connections::destroy);
		return new StringRedisTemplate(connections);
	}

	/**
	 * Waits until the node answers from its copy (the push of the first write may arrive
	 * after the first read, which is then not kept).
	 */
	private void awaitCopyOnNode(String tokenHash) throws InterruptedException {
		awaitTrue("a copy on the node", () -> {
			assertThat(this.node.get(tokenHash)).isPresent();
			int reads = this.trackedReads.get();
			this.node.get(tokenHash);
			return this.trackedReads.get() == reads;
		}, Duration.ofSeconds(2));
	}

	private static void awaitTrue(String what, BooleanSupplier condition, Duration within) throws InterruptedException {
		Instant deadline = Instant.now().plus(within);
		while (!condition.getAsBoolean()) {
			assertThat(Instant.now()).as(what).isBefore(deadline);
			Thread.sleep(10);
		}
	}

	private static void sleepUntil(Instant when) throws InterruptedException {
		long millis = Duration.between(Instant.now(), when).toMillis();
		if (millis > 0) {
			Thread.sleep(millis);
		}
	}

	/**
	 * Holds the next read on the tracking connection after Redis answered, as a slow
	 * thread would be, until released.
	 */
	private CountDownLatch holdNextTrackedRead() {
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean once = new AtomicBoolean();
		this.node.afterTrackedRead = () -> {
			if (once.compareAndSet(false, true)) {
				holding.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		};
		this.held = holding;
		return release;
	}

	private void awaitHeldRead() throws InterruptedException {
		assertThat(this.held.await(2, TimeUnit.SECONDS)).as("read held").isTrue();
	}

}
