package dev.lanyard.server.storage;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import dev.lanyard.server.TestBackends;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import org.springframework.session.Session;
import org.springframework.session.data.redis.RedisSessionRepository;

import static org.assertj.core.api.Assertions.assertThat;

/** Login sessions in the machine's Redis, through the guard. */
class GuardedSessionRepositoryTest {

	private final LettuceConnectionFactory connections = connections();

	@AfterEach
	void tearDown() {
		this.connections.destroy();
	}

	/**
	 * Two requests of one browser at once, one of which gives the session a new id (a
	 * sign-in, "sign out everywhere else") or ends it: the other one's save at its end
	 * finds the session gone under its old id. Not saved again, not an error, and no
	 * failure counted against Redis. It used to fail that request with a 500.
	 */
	@Test
	void saveWhenAnotherRequestRenamedOrEndedTheSessionThenNotSavedAndNoError() {
		RedisTemplate<String, Object> redis = template();
		RedisSessionRepository sessions = new RedisSessionRepository(redis);
		sessions.setRedisKeyNamespace("lanyard-test-" + UUID.randomUUID() + ":session");
		CircuitBreaker breaker = CircuitBreaker.ofDefaults("redis");
		@SuppressWarnings({ "unchecked", "rawtypes" })
		GuardedSessionRepository<Session> guarded = new GuardedSessionRepository(sessions, breaker);

		Session session = guarded.createSession();
		session.setMaxInactiveInterval(Duration.ofMinutes(1));
		guarded.save(session);
		Session renaming = guarded.findById(session.getId());
		Session meanwhile = guarded.findById(session.getId());
		String newId = renaming.changeSessionId();
		renaming.setAttribute("signed-in", "yes");
		guarded.save(renaming);

		meanwhile.setAttribute("flash", "saved too late");
		guarded.save(meanwhile);

		assertThat(guarded.findById(session.getId())).isNull();
		Session kept = guarded.findById(newId);
		assertThat((String) kept.getAttribute("signed-in")).isEqualTo("yes");
		assertThat((String) kept.getAttribute("flash")).isNull();
		// Ended by another request.
		guarded.deleteById(newId);
		kept.setAttribute("flash", "saved too late");
		guarded.save(kept);
		assertThat(guarded.findById(newId)).isNull();
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	/**
	 * A save that checked the session was there just before another request renamed it
	 * writes its changes under the old id: a fragment without the session's own fields.
	 * Read by that id, it is no session, and it is removed. It used to fail every request
	 * that sent that id with a 500.
	 */
	@Test
	void findWhenOnlyAFragmentIsStoredThenNoSessionAndFragmentRemoved() {
		RedisTemplate<String, Object> redis = template();
		RedisSessionRepository sessions = new RedisSessionRepository(redis);
		String namespace = "lanyard-test-" + UUID.randomUUID() + ":session";
		sessions.setRedisKeyNamespace(namespace);
		CircuitBreaker breaker = CircuitBreaker.ofDefaults("redis");
		@SuppressWarnings({ "unchecked", "rawtypes" })
		GuardedSessionRepository<Session> guarded = new GuardedSessionRepository(sessions, breaker);
		String key = namespace + ":sessions:stale-id";
		redis.opsForHash().put(key, "sessionAttr:flash", "saved too late");

		assertThat(guarded.findById("stale-id")).isNull();
		assertThat(redis.hasKey(key)).isFalse();
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	/**
	 * During a rolling upgrade one browser's requests reach nodes of two versions: a
	 * session attribute of a class the other node does not have (added, or removed, in
	 * between) cannot be read there. No session then, the entry removed, and no failure
	 * counted against Redis. It used to fail every request of that browser with a 500
	 * until the entry expired.
	 */
	@Test
	void findWhenAValueIsOfAClassThisNodeDoesNotHaveThenNoSessionAndEntryRemoved() throws Exception {
		RedisTemplate<String, Object> redis = template();
		RedisSessionRepository sessions = new RedisSessionRepository(redis);
		String namespace = "lanyard-test-" + UUID.randomUUID() + ":session";
		sessions.setRedisKeyNamespace(namespace);
		CircuitBreaker breaker = CircuitBreaker.ofDefaults("redis");
		@SuppressWarnings({ "unchecked", "rawtypes" })
		GuardedSessionRepository<Session> guarded = new GuardedSessionRepository(sessions, breaker);
		Session session = guarded.createSession();
		session.setMaxInactiveInterval(Duration.ofMinutes(1));
		session.setAttribute("step", new KnownHere("pending"));
		guarded.save(session);
		assertThat(guarded.findById(session.getId())).isNotNull();
		// The same value as a node without this class wrote it: its name changed in the
		// serialized bytes (same length), so the stream is well-formed but the class is
		// not here.
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject(new KnownHere("pending"));
		}
		byte[] written = new String(bytes.toByteArray(), StandardCharsets.ISO_8859_1).replace("KnownHere", "GoneThere")
			.getBytes(StandardCharsets.ISO_8859_1);
		String key = namespace + ":sessions:" + session.getId();
		RedisTemplate<String, byte[]> raw = new RedisTemplate<>();
		raw.setConnectionFactory(this.connections);
		raw.setKeySerializer(new StringRedisSerializer());
		raw.setHashKeySerializer(new StringRedisSerializer());
		raw.setHashValueSerializer(RedisSerializer.byteArray());
		raw.afterPropertiesSet();
		raw.opsForHash().put(key, "sessionAttr:step", written);

		assertThat(guarded.findById(session.getId())).isNull();
		assertThat(redis.hasKey(key)).isFalse();
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
	}

	/** A value only this version has. */
	record KnownHere(String name) implements Serializable {
	}

	private RedisTemplate<String, Object> template() {
		RedisTemplate<String, Object> redis = new RedisTemplate<>();
		redis.setConnectionFactory(this.connections);
		redis.setKeySerializer(new StringRedisSerializer());
		redis.setHashKeySerializer(new StringRedisSerializer());
		redis.afterPropertiesSet();
		return redis;
	}

	private static LettuceConnectionFactory connections() {
		URI redis = URI.create(TestBackends.redisUrl());
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
