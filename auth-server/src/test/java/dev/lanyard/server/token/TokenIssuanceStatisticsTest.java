package dev.lanyard.server.token;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import dev.lanyard.server.TcpProxy;
import dev.lanyard.server.TestBackends;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's token counts: counted in the node, added to the shared Redis in batches
 * (no Redis round trip per token response), kept in the node while Redis is out.
 */
class TokenIssuanceStatisticsTest {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T10:15:30Z"), ZoneOffset.UTC);

	private final String prefix = "statistics-" + UUID.randomUUID() + ":";

	private TcpProxy proxy;

	private LettuceConnectionFactory connections;

	private StringRedisTemplate redis;

	@BeforeEach
	void connect() throws Exception {
		this.proxy = new TcpProxy(URI.create(TestBackends.redisUrl()).getPort());
		this.connections = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.proxy.port()),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(300)).build());
		this.connections.afterPropertiesSet();
		this.connections.start();
		this.redis = new StringRedisTemplate(this.connections);
		this.redis.afterPropertiesSet();
	}

	@AfterEach
	void disconnect() throws Exception {
		this.proxy.restore();
		this.redis.delete(this.redis.keys(this.prefix + "*"));
		this.connections.destroy();
		this.proxy.close();
	}

	@Test
	void countsWhenFlushedThenEveryNodeSeesThemAndTheChartCountsNothingTwice() {
		TokenIssuanceStatistics first = new TokenIssuanceStatistics(this.redis, this.prefix, CLOCK);
		TokenIssuanceStatistics second = new TokenIssuanceStatistics(this.redis, this.prefix, CLOCK);
		for (int i = 0; i < 5; i++) {
			first.record("client_credentials");
		}
		second.record("client_credentials");
		second.record("refresh_token");
		first.record("password");

		assertThat(lastMinute(first, "client_credentials")).as("this node's counts before a flush").isEqualTo(5);
		assertThat(this.redis.keys(this.prefix + "*")).as("no Redis write per token response").isEmpty();

		first.flush();
		second.flush();

		assertThat(lastMinute(first, "client_credentials")).isEqualTo(6);
		assertThat(lastMinute(second, "client_credentials")).isEqualTo(6);
		assertThat(lastMinute(first, "refresh_token")).isEqualTo(1);
		assertThat(first.lastHour()).as("grant types the chart does not show are not counted")
			.doesNotContainKey("password");
		first.flush();
		assertThat(lastMinute(second, "client_credentials")).as("a second flush adds nothing").isEqualTo(6);
		assertThat(this.redis.getExpire(this.prefix + "issued:client_credentials:" + minute()))
			.as("keys expire after the chart's hour")
			.isPositive();
	}

	/**
	 * A minute's key left without an expiry (a node that stopped between adding to it and
	 * giving it one, as counts were once added) gets one at the next addition.
	 */
	@Test
	void countsWhenAddedToAKeyWithoutExpiryThenItGetsOne() {
		String key = this.prefix + "issued:client_credentials:" + minute();
		this.redis.opsForValue().set(key, "3");
		TokenIssuanceStatistics node = new TokenIssuanceStatistics(this.redis, this.prefix, CLOCK);
		node.record("client_credentials");

		node.flush();

		assertThat(this.redis.opsForValue().get(key)).isEqualTo("4");
		assertThat(this.redis.getExpire(key)).isPositive();
	}

	@Test
	void countsWhenRedisIsOutThenKeptInTheNodeAndAddedOnceItIsBack() {
		TokenIssuanceStatistics node = new TokenIssuanceStatistics(this.redis, this.prefix, CLOCK);
		node.record("authorization_code");
		node.flush();
		this.proxy.blackhole();
		node.record("authorization_code");
		node.record("authorization_code");
		node.flush();
		assertThat(lastMinute(node, "authorization_code"))
			.as("the counts not yet in Redis are kept and shown while Redis cannot be read")
			.isEqualTo(2);

		this.proxy.restore();
		long inRedis = flushUntilRedisHasAtLeast(node, "authorization_code", 3);
		TokenIssuanceStatistics other = new TokenIssuanceStatistics(this.redis, this.prefix, CLOCK);
		assertThat(lastMinute(other, "authorization_code")).as("nothing lost").isEqualTo(inRedis);
		// An addition that timed out may still have reached Redis when the cut ended; it
		// is
		// added again (at least once): the chart may show it twice, never lose it.
		assertThat(inRedis).isBetween(3L, 5L);
	}

	@Test
	void countsWhenNoRedisThenThisNodeAlone() {
		TokenIssuanceStatistics node = new TokenIssuanceStatistics(null, this.prefix, CLOCK);
		node.record("client_credentials");
		node.flush();
		node.record("client_credentials");
		assertThat(lastMinute(node, "client_credentials")).isEqualTo(2);
	}

	private long flushUntilRedisHasAtLeast(TokenIssuanceStatistics node, String grantType, long expected) {
		String key = this.prefix + "issued:" + grantType + ":" + minute();
		long value = 0;
		for (int i = 0; i < 40 && value < expected; i++) {
			node.flush();
			String read = readOrNull(key);
			value = (read != null) ? Long.parseLong(read) : 0;
			if (value < expected) {
				sleep();
			}
		}
		node.flush();
		assertThat(value).as("counts reach Redis once it is back").isGreaterThanOrEqualTo(expected);
		return Long.parseLong(this.redis.opsForValue().get(key));
	}

	private String readOrNull(String key) {
		try {
			return this.redis.opsForValue().get(key);
		}
		catch (RuntimeException reconnecting) {
			return null;
		}
	}

	private static void sleep() {
		try {
			Thread.sleep(250);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static long minute() {
		return CLOCK.instant().getEpochSecond() / 60;
	}

	private static long lastMinute(TokenIssuanceStatistics statistics, String grantType) {
		List<Long> series = statistics.lastHour().get(grantType);
		return series.get(series.size() - 1);
	}

}
