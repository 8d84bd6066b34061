package dev.lanyard.server.login;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import dev.lanyard.server.AlreadyExistsException;
import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The login page under attack (docs/SECURITY.md §7): attacker-chosen names are never kept
 * or used as keys (HD-01), one canonical login name (HD-03), and no lockout of an
 * account's owner from elsewhere (HD-05). Two deployments, with Redis and without (the
 * one-command default, and every node's fallback), each trusting the test as its reverse
 * proxy so that every attempt can come from an address of its own.
 */
class LoginHardeningTest {

	private static final int PER_ACCOUNT = 5;

	private static final int PER_ADDRESS = 20;

	private static final String PASSWORD = "amber-quilt-falcon-73";

	private static LanyardTestServer withRedis;

	private static LanyardTestServer withoutRedis;

	private static String redisPrefix;

	@BeforeAll
	static void start() {
		Map<String, String> redis = deployment();
		redisPrefix = redis.get("lanyard.redis.key-prefix");
		withRedis = LanyardTestServer.start(redis);
		Map<String, String> inProcess = deployment();
		inProcess.remove("spring.data.redis.url");
		withoutRedis = LanyardTestServer.start(inProcess);
	}

	@AfterAll
	static void stop() {
		withRedis.close();
		withoutRedis.close();
	}

	static Stream<LanyardTestServer> servers() {
		return Stream.of(withRedis, withoutRedis);
	}

	private static Map<String, String> deployment() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.login.max-attempts-per-account", String.valueOf(PER_ACCOUNT));
		deployment.put("lanyard.login.max-attempts-per-address", String.valueOf(PER_ADDRESS));
		deployment.put("lanyard.trusted-proxies", "127.0.0.1,::1");
		return deployment;
	}

	// HD-01

	@ParameterizedTest(autoCloseArguments = false)
	@MethodSource("servers")
	void hd01LoginNameWhenHugeThenRefusedAndNothingStored(LanyardTestServer server) {
		long keysBefore = storedKeys(server);
		for (int i = 0; i < 75; i++) {
			// Under the form-size limit, so each reaches the password check: 60 000
			// characters.
			String name = "n" + i + "x".repeat(60_000);
			HttpResponse<String> answer = signIn(server, new TestBrowser(), name, "whatever-" + i,
					"203.0.113." + (i % 25 + 1));
			assertThat(answer.statusCode()).isEqualTo(303);
			assertThat(answer.headers().firstValue("Location").orElseThrow()).isEqualTo("/login?error");
		}
		// 25 addresses counted, nothing for the 75 names; every key is a short digest.
		assertThat(storedKeys(server) - keysBefore).isLessThanOrEqualTo(25);
		assertThat(longestKey(server)).isLessThan(120);
		assertAnswersAndSignsIn(server);
	}

	/**
	 * Bodies over the form limit are not parsed at all: refused, never a 500, nothing
	 * kept.
	 */
	@ParameterizedTest(autoCloseArguments = false)
	@MethodSource("servers")
	void hd01LoginWhenBodyOfMegabytesThenRefusedCheaply(LanyardTestServer server) {
		String page = new TestBrowser().get(server.baseUrl() + "/login").body();
		// Just under Tomcat's default limit (2 MiB), which Lanyard lowers to 64 KB.
		String body = "username=" + "y".repeat(2 * 1024 * 1024 - 200) + "&password=p&_csrf=" + TestBrowser.csrf(page);
		long keysBefore = storedKeys(server);
		TestBrowser browser = new TestBrowser();
		for (int i = 0; i < 200; i++) {
			HttpResponse<String> answer = browser.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/login"))
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(body))
				.build());
			assertThat(answer.statusCode()).isBetween(400, 499);
			assertThat(answer.body()).doesNotContain("Exception").doesNotContain("yyyy");
		}
		assertThat(storedKeys(server)).isEqualTo(keysBefore);
		assertAnswersAndSignsIn(server);
	}

	/**
	 * An authorization request is as large as a GET's request line allows (8 KB) however
	 * it comes: a POSTed one of 60 KB (to anyone's use of a client's public id and
	 * redirect URI) was kept whole in a new session, about 240 KB once re-encoded. A
	 * pushed one, from a client that authenticates, may hold 32 KB. Refused before
	 * anything is kept; one within the bound goes on to the sign-in.
	 */
	@ParameterizedTest(autoCloseArguments = false)
	@MethodSource("servers")
	void hd01AuthorizationRequestWhenLargerThanAGetCarriesThenRefusedAndNothingKept(LanyardTestServer server) {
		Map<String, String> request = new java.util.LinkedHashMap<>(OAuthFlows.codeRequest("web-app",
				TestBootstrap.REDIRECT_URI, "openid", "s", TestBrowser.Pkce.create()));
		request.put("junk", "x".repeat(60_000));
		HttpResponse<String> large = new TestBrowser().postForm(server.baseUrl() + "/oauth2/authorize", request);
		assertThat(large.statusCode()).isEqualTo(400);
		assertThat(large.headers().firstValue("Set-Cookie")).as("no session").isEmpty();
		assertThat(large.body()).doesNotContain("xxxx");
		HttpResponse<String> pushed = new TestBrowser().postForm(server.baseUrl() + "/oauth2/par", request,
				"Authorization", TestBrowser.basic("web-app", TestBootstrap.WEB_APP_SECRET));
		assertThat(pushed.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(pushed).get("error")).isEqualTo("invalid_request");

		request.put("junk", "x".repeat(20_000));
		HttpResponse<String> pushedWithin = new TestBrowser().postForm(server.baseUrl() + "/oauth2/par", request,
				"Authorization", TestBrowser.basic("web-app", TestBootstrap.WEB_APP_SECRET));
		assertThat(pushedWithin.statusCode()).as(pushedWithin.body()).isEqualTo(201);
		request.put("junk", "x".repeat(7_000));
		HttpResponse<String> within = new TestBrowser().postForm(server.baseUrl() + "/oauth2/authorize", request);
		assertThat(within.statusCode()).isEqualTo(302);
		assertThat(within.headers().firstValue("Location").orElseThrow()).endsWith("/login");
	}

	/**
	 * Without Redis a node keeps login sessions in its own memory, at most so many (a
	 * quarter of the heap at 32 KB each). At the bound a new session ends an anonymous
	 * one, first one whose browser never came back (as every request without a cookie
	 * makes), never a signed-in one: a flood of such requests, all at once, neither
	 * refuses them nor ends the session of a person signing in meanwhile, where every new
	 * session used to be refused at the bound for the half hour sessions live. Only when
	 * every session is signed in is a page that needs a new one 503 "try again", never a
	 * 500, and no session more is kept. (The bound is lowered here to what the node
	 * holds.)
	 */
	@Test
	void hd01SessionsWithoutRedisWhenTheNodeHoldsItsLimitThenAnonymousOnesMakeRoomElse503() throws Exception {
		String username = "kept-" + UUID.randomUUID().toString().substring(0, 8);
		withoutRedis.bean(UserService.class)
			.create(username, null, PASSWORD, true, false, List.of("user"), Map.of(), Map.of());
		TestBrowser signedIn = new TestBrowser();
		assertThat(location(signIn(withoutRedis, signedIn, username, PASSWORD, "192.0.2.251"))).isEqualTo("/");
		org.apache.catalina.session.StandardManager sessions = (org.apache.catalina.session.StandardManager) withoutRedis
			.container()
			.getManager();
		assertThat(sessions.getMaxActiveSessions())
			.isEqualTo((int) Math.max(1_000, Runtime.getRuntime().maxMemory() / 4 / (32 * 1024)));
		int limit = sessions.getMaxActiveSessions();
		// A person on the login page (their browser came back with the cookie).
		TestBrowser visitor = new TestBrowser();
		visitor.get(withoutRedis.baseUrl() + "/login", "X-Forwarded-For", "192.0.2.252");
		String csrf = TestBrowser
			.csrf(visitor.get(withoutRedis.baseUrl() + "/login", "X-Forwarded-For", "192.0.2.252").body());
		sessions.setMaxActiveSessions(sessions.getActiveSessions() + 5);
		java.util.concurrent.ExecutorService flood = java.util.concurrent.Executors.newFixedThreadPool(10);
		try {
			List<java.util.concurrent.Future<Integer>> visits = new java.util.ArrayList<>();
			for (int i = 0; i < 40; i++) {
				visits.add(flood.submit(() -> new TestBrowser().get(withoutRedis.baseUrl() + "/login").statusCode()));
			}
			for (java.util.concurrent.Future<Integer> visit : visits) {
				assertThat(visit.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
			}
			assertThat(sessions.getActiveSessions()).isLessThanOrEqualTo(sessions.getMaxActiveSessions());
			HttpResponse<String> signingIn = visitor.postForm(withoutRedis.baseUrl() + "/login",
					Map.of("username", username, "password", PASSWORD, "_csrf", csrf), "X-Forwarded-For",
					"192.0.2.252");
			assertThat(location(signingIn)).as("the person signing in meanwhile").isEqualTo("/");
			assertThat(visitor.get(withoutRedis.baseUrl() + "/account").statusCode()).isEqualTo(200);
			assertThat(signedIn.get(withoutRedis.baseUrl() + "/account").statusCode()).isEqualTo(200);

			// Every session signed in: none makes room.
			for (org.apache.catalina.Session session : sessions.findSessions()) {
				if (session.getSession()
					.getAttribute(
							org.springframework.security.web.context.HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY) == null) {
					session.expire();
				}
			}
			sessions.setMaxActiveSessions(sessions.getActiveSessions());
			HttpResponse<String> page = new TestBrowser().get(withoutRedis.baseUrl() + "/login");
			assertThat(page.statusCode()).isEqualTo(503);
			assertThat(page.body()).contains("Try again in a moment").doesNotContain("Exception");
			assertThat(sessions.getActiveSessions()).isLessThanOrEqualTo(sessions.getMaxActiveSessions());
			assertThat(signedIn.get(withoutRedis.baseUrl() + "/account").statusCode()).isEqualTo(200);
			assertThat(visitor.get(withoutRedis.baseUrl() + "/account").statusCode()).isEqualTo(200);
		}
		finally {
			flood.shutdownNow();
			sessions.setMaxActiveSessions(limit);
		}
	}

	@ParameterizedTest(autoCloseArguments = false)
	@MethodSource("servers")
	void hd01LoginWhenAddressThrottledThenNothingMoreStored(LanyardTestServer server) {
		String address = "198.51.100." + (int) (Math.random() * 200 + 1);
		for (int i = 0; i < PER_ADDRESS; i++) {
			assertThat(location(signIn(server, new TestBrowser(), "ghost-" + UUID.randomUUID(), "guess", address)))
				.isEqualTo("/login?error");
		}
		long keys = storedKeys(server);
		for (int i = 0; i < 50; i++) {
			assertThat(location(signIn(server, new TestBrowser(), "ghost-" + UUID.randomUUID(), "guess", address)))
				.isEqualTo("/login?throttled");
		}
		assertThat(storedKeys(server)).isEqualTo(keys);
		// Nor in the audit log, which nothing empties: one row a minute per address.
		assertThat(org.springframework.jdbc.core.simple.JdbcClient.create(server.bean(javax.sql.DataSource.class))
			.sql("SELECT count(*) FROM audit_events WHERE action = 'login.throttled' AND client_ip = ?")
			.param(address)
			.query(Long.class)
			.single()).isEqualTo(1L);
	}

	// HD-03

	@Test
	void hd03LoginNameWhenSpelledWithOtherCaseOrDottedCapitalThenOneAccountOneBucket() {
		LanyardTestServer server = withRedis;
		UserService users = server.bean(UserService.class);
		users.create("iris", null, PASSWORD, true, false, List.of("user"), Map.of(), Map.of());
		assertThatThrownBy(() -> users.create("IRIS", null, PASSWORD, true, false, List.of("user"), Map.of(), Map.of()))
			.isInstanceOf(AlreadyExistsException.class);
		assertThatThrownBy(() -> users.create("ｉｒｉｓ", null, PASSWORD, true, false, List.of("user"), Map.of(), Map.of()))
			.isInstanceOf(InputRejectedException.class);

		// İ folds to "i̇", not "i": "İris" is not iris's name, whatever PostgreSQL's
		// lower() says.
		assertThat(location(signIn(server, new TestBrowser(), "İris", PASSWORD, "192.0.2.31")))
			.isEqualTo("/login?error");
		assertThat(location(signIn(server, new TestBrowser(), "IRIS", PASSWORD, "192.0.2.32"))).isEqualTo("/");

		// Every spelling that is iris counts against iris's one bucket.
		String[] spellings = { "Iris", "IRIS", "iRiS", "IrIs", "irIS" };
		for (int i = 0; i < PER_ACCOUNT; i++) {
			assertThat(location(signIn(server, new TestBrowser(), spellings[i], "not-it-" + i, "192.0.2." + (40 + i))))
				.isEqualTo("/login?error");
		}
		assertThat(location(signIn(server, new TestBrowser(), "iris", PASSWORD, "192.0.2.60")))
			.isEqualTo("/login?throttled");
	}

	// HD-05

	@ParameterizedTest(autoCloseArguments = false)
	@MethodSource("servers")
	void hd05LoginWhenAccountHammeredFromElsewhereThenOwnerOnKnownDeviceStillSignsIn(LanyardTestServer server) {
		String victim = "victim-" + UUID.randomUUID().toString().substring(0, 8);
		String other = "other-" + UUID.randomUUID().toString().substring(0, 8);
		UserService users = server.bean(UserService.class);
		users.create(victim, null, PASSWORD, true, false, List.of("user"), Map.of(), Map.of());
		users.create(other, null, PASSWORD, true, false, List.of("user"), Map.of(), Map.of());
		TestBrowser owner = new TestBrowser();
		assertThat(location(signIn(server, owner, victim, PASSWORD, "198.18.0.10", true))).isEqualTo("/");
		owner.get(server.baseUrl() + "/logout");
		// A shared computer where the owner signed in without "Remember this device" (a
		// browser remembered before is forgotten by it).
		TestBrowser shared = new TestBrowser();
		assertThat(location(signIn(server, shared, victim, PASSWORD, "198.18.0.20", true))).isEqualTo("/");
		shared.get(server.baseUrl() + "/logout");
		assertThat(location(signIn(server, shared, victim, PASSWORD, "198.18.0.20", false))).isEqualTo("/");
		shared.get(server.baseUrl() + "/logout");

		// The attacker exhausts the account's slots for unknown devices, then its
		// address's.
		String attacker = "198.18.7.7";
		int refused = 0;
		for (int i = 0; i < PER_ADDRESS + 5; i++) {
			String outcome = location(
					signIn(server, new TestBrowser(), (i % 2 == 0) ? victim : other, "guess-" + i, attacker));
			refused += outcome.equals("/login?throttled") ? 1 : 0;
		}
		assertThat(refused).isGreaterThanOrEqualTo(5);
		assertThat(location(signIn(server, new TestBrowser(), victim, PASSWORD, attacker)))
			.isEqualTo("/login?throttled");
		// An unknown device elsewhere is still held back: the account stays protected ...
		assertThat(location(signIn(server, new TestBrowser(), victim, PASSWORD, "198.18.0.99")))
			.isEqualTo("/login?throttled");
		// ... but its owner, on the browser that signed in before, gets in.
		assertThat(location(signIn(server, owner, victim, PASSWORD, "198.18.0.10", true))).isEqualTo("/");
		// The shared computer kept nothing of the owner: it is held back like any other.
		assertThat(location(signIn(server, shared, victim, PASSWORD, "198.18.0.20", true)))
			.isEqualTo("/login?throttled");
		// That browser's cookie is the victim's alone: it does not open the other
		// account.
		assertThat(location(signIn(server, owner, other, PASSWORD, "198.18.0.10"))).isEqualTo("/login?throttled");
	}

	private static void assertAnswersAndSignsIn(LanyardTestServer server) {
		String username = "after-" + UUID.randomUUID().toString().substring(0, 8);
		server.bean(UserService.class)
			.create(username, null, PASSWORD, true, false, List.of("user"), Map.of(), Map.of());
		assertThat(location(signIn(server, new TestBrowser(), username, PASSWORD, "192.0.2.250"))).isEqualTo("/");
	}

	private static HttpResponse<String> signIn(LanyardTestServer server, TestBrowser browser, String username,
			String password, String address) {
		return signIn(server, browser, username, password, address, false);
	}

	/**
	 * Signs in at the login page, with or without ticking "Remember this device".
	 */
	private static HttpResponse<String> signIn(LanyardTestServer server, TestBrowser browser, String username,
			String password, String address, boolean rememberDevice) {
		HttpResponse<String> page = browser.get(server.baseUrl() + "/login", "X-Forwarded-For", address);
		Map<String, String> form = new HashMap<>(
				Map.of("username", username, "password", password, "_csrf", TestBrowser.csrf(page.body())));
		if (rememberDevice) {
			form.put("remember-device", "true");
		}
		return browser.postForm(server.baseUrl() + "/login", form, "X-Forwarded-For", address);
	}

	private static String location(HttpResponse<String> response) {
		String location = response.headers().firstValue("Location").orElseThrow();
		return location.replaceFirst("^https?://[^/]+", "");
	}

	/** How many login throttle keys the deployment holds. */
	private static long storedKeys(LanyardTestServer server) {
		if (server == withRedis) {
			Set<String> keys = server.bean(StringRedisTemplate.class).keys(redisPrefix + "login:*");
			return keys.size();
		}
		return ((InMemoryLoginThrottle) server.bean(LoginThrottle.class)).size();
	}

	private static int longestKey(LanyardTestServer server) {
		if (server == withRedis) {
			return server.bean(StringRedisTemplate.class)
				.keys(redisPrefix + "login:*")
				.stream()
				.mapToInt(String::length)
				.max()
				.orElse(0);
		}
		return 0;
	}

}
