package dev.lanyard.server.login;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TcpProxy;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.storage.BackendBreakers;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * LG-06: repeated failures for one account are throttled across nodes (counters in
 * Redis), for accounts that exist and accounts that do not alike; the limit is per
 * window, not a permanent lockout.
 */
class LoginThrottleTest {

	private static LanyardTestServer nodeA;

	private static LanyardTestServer nodeB;

	@BeforeAll
	static void startTwoNodes() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.login.max-attempts-per-account", "6");
		deployment.put("lanyard.login.max-attempts-per-address", "1000");
		deployment.put("lanyard.issuer", "http://localhost:1");
		nodeA = LanyardTestServer.start(deployment);
		nodeB = LanyardTestServer.start(deployment);
	}

	@AfterAll
	static void stop() {
		nodeA.close();
		nodeB.close();
	}

	@Test
	void loginWhenTooManyFailuresAcrossNodesThenThrottledEvenWithRightPassword() {
		OAuthFlows a = new OAuthFlows(nodeA.baseUrl());
		OAuthFlows b = new OAuthFlows(nodeB.baseUrl());
		for (int i = 0; i < 6; i++) {
			OAuthFlows node = (i % 2 == 0) ? a : b;
			HttpResponse<String> failure = node.signIn(new TestBrowser(), "alice", "wrong-password-" + i);
			assertThat(TestBrowser.location(failure)).endsWith("/login?error");
		}
		HttpResponse<String> throttled = a.signIn(new TestBrowser(), "alice", TestBootstrap.ALICE_PASSWORD);
		assertThat(TestBrowser.location(throttled)).endsWith("/login?throttled");
		HttpResponse<String> alsoOnB = b.signIn(new TestBrowser(), "ALICE", TestBootstrap.ALICE_PASSWORD);
		assertThat(TestBrowser.location(alsoOnB)).endsWith("/login?throttled");
		TestBrowser browser = new TestBrowser();
		String page = browser.get(TestBrowser.location(throttled)).body();
		assertThat(page).contains("Too many sign-in attempts");
		// Another account is not affected.
		assertThat(TestBrowser.location(b.signIn(new TestBrowser(), "bob", TestBootstrap.BOB_PASSWORD)))
			.doesNotContain("login?");
	}

	@Test
	void loginWhenAccountDoesNotExistThenThrottledTheSameWay() {
		OAuthFlows a = new OAuthFlows(nodeA.baseUrl());
		for (int i = 0; i < 6; i++) {
			assertThat(TestBrowser.location(a.signIn(new TestBrowser(), "ghost", "guess-" + i)))
				.endsWith("/login?error");
		}
		assertThat(TestBrowser.location(a.signIn(new TestBrowser(), "ghost", "guess-7"))).endsWith("/login?throttled");
	}

	@Test
	void loginWhenSucceededThenSlotsGivenBack() {
		OAuthFlows a = new OAuthFlows(nodeA.baseUrl());
		for (int i = 0; i < 20; i++) {
			HttpResponse<String> login = a.signIn(new TestBrowser(), "bob", TestBootstrap.BOB_PASSWORD);
			assertThat(TestBrowser.location(login)).as("login %d", i).doesNotContain("throttled");
		}
	}

	/**
	 * Password confirmations in the console take from the same bound as the login page,
	 * the account's.
	 */
	@Test
	void consoleConfirmationWhenTooManyWrongPasswordsThenRefusedEvenWhenRight() {
		String username = "second-admin";
		String password = "second-admin-password-42";
		UserAccount secondAdmin = nodeA.bean(UserService.class)
			.create(username, null, password, true, false, java.util.List.of("admin"), Map.of(), Map.of());
		OAuthFlows a = new OAuthFlows(nodeA.baseUrl());
		TestBrowser admin = new TestBrowser();
		assertThat(TestBrowser.location(a.signIn(admin, username, password))).doesNotContain("login?");
		String userPage = a.url("/admin/users/"
				+ nodeA.bean(JdbcUserAccountRepository.class).findByLoginName("bob").orElseThrow().id());
		String csrf = TestBrowser.csrf(admin.get(userPage).body());
		for (int i = 0; i < 6; i++) {
			HttpResponse<String> wrong = admin.postForm(userPage + "/password",
					Map.of("_csrf", csrf, "password", "bobs-new-password-99", "confirmPassword", "not-it-" + i));
			assertThat(wrong.body()).contains("That is not your password.");
		}
		HttpResponse<String> right = admin.postForm(userPage + "/password",
				Map.of("_csrf", csrf, "password", "bobs-new-password-99", "confirmPassword", password));
		assertThat(right.body()).contains("That is not your password.");
		// The same check as on the account page (CurrentPassword): counted for the
		// account
		// and each refusal audited.
		assertThat(TestBrowser.location(a.signIn(new TestBrowser(), username, password))).contains("throttled");
		assertThat(
				nodeA.bean(AuditLog.class).count(secondAdmin.id().toString(), "account.password_refused", null, null))
			.isPositive();
		assertThat(
				nodeA.bean(AuditLog.class).count(secondAdmin.id().toString(), "account.password_throttled", null, null))
			.isPositive();
		assertThat(TestBrowser.location(a.signIn(new TestBrowser(), "bob", TestBootstrap.BOB_PASSWORD)))
			.doesNotContain("login?");
	}

	/**
	 * Issue 9, item 4: when Redis cannot count a password check, the check is refused as
	 * an outage (503 through StorageFailureFilter), never let through on this node's own
	 * counters, which with N nodes would allow N times the bound. When Redis is back, the
	 * shared counters hold again.
	 */
	@Test
	void throttleWhenRedisCannotCountThenRefusedAsOutageNeverLooser() throws Exception {
		URI redis = URI.create(TestBackends.redisUrl());
		String prefix = "throttle-outage-" + UUID.randomUUID() + ":";
		try (TcpProxy proxy = new TcpProxy(redis.getPort())) {
			LettuceConnectionFactory connections = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration("127.0.0.1", proxy.port()),
					LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(500)).build());
			connections.afterPropertiesSet();
			connections.start();
			try {
				StringRedisTemplate template = new StringRedisTemplate(connections);
				template.afterPropertiesSet();
				RedisLoginThrottle throttle = new RedisLoginThrottle(template, prefix, 3, 1000, Duration.ofMinutes(5));
				LoginAttempt attempt = LoginAttempt.of("carol", null, "192.0.2.7");
				for (int i = 0; i < 2; i++) {
					assertThat(throttle.tryAcquire(attempt)).isTrue();
				}
				proxy.blackhole();
				for (int i = 0; i < 5; i++) {
					assertThatThrownBy(() -> throttle.tryAcquire(attempt)).as("attempt %d while Redis cannot count", i)
						.isInstanceOf(RedisConnectionFailureException.class)
						.satisfies((ex) -> assertThat(BackendBreakers.isOutage(ex)).isTrue());
				}
				proxy.restore();
				// Commands held by the cut reach Redis now and count (stricter, never
				// looser): of
				// the bound of three, at most the one left before the cut can still be
				// taken.
				Boolean answered = null;
				for (int i = 0; i < 40 && answered == null; i++) {
					try {
						answered = throttle.tryAcquire(attempt);
					}
					catch (RedisConnectionFailureException reconnecting) {
						Thread.sleep(250);
					}
				}
				assertThat(answered).as("Redis counts again once reachable").isNotNull();
				int allowed = answered ? 1 : 0;
				for (int i = 0; i < 3; i++) {
					allowed += throttle.tryAcquire(attempt) ? 1 : 0;
				}
				assertThat(allowed).as("attempts allowed after the cut").isLessThanOrEqualTo(1);
				template.delete(template.keys(prefix + "*"));
			}
			finally {
				connections.destroy();
			}
		}
	}

}
