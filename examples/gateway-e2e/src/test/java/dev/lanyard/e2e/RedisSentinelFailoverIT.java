package dev.lanyard.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.lanyard.e2e.E2eHttp.basic;
import static dev.lanyard.e2e.E2eHttp.get;
import static dev.lanyard.e2e.E2eHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, scale-out: Lanyard on Redis Sentinel. Two server nodes behind NGINX and the
 * gateway's exchange service, all configured with the sentinel only; the Redis primary is
 * killed under load and Sentinel promotes the replica. Rules: no request answered 500
 * (tokens and introspection carry on from PostgreSQL meanwhile), no revocation lost (one
 * made while there is no primary and one made just after the switch both reach the
 * gateway, which refuses the tokens it had cached), and every node is back on Redis (the
 * new primary) within seconds.
 */
class RedisSentinelFailoverIT {

	private static final String WEB_APP_SECRET = "web-app-secret-at-least-32-characters";

	private static final String GATEWAY_SECRET = "gateway-secret-at-least-32-characters";

	private static final String SERVICE_SECRET = "service-secret-at-least-32-characters-long";

	private static final String REDIRECT_URI = "https://app.example.com/callback";

	private static final Path root = Path.of(System.getProperty("lanyard.root", "../..")).toAbsolutePath().normalize();

	private static final List<AutoCloseable> started = new ArrayList<>();

	private static RedisSentinelSet redis;

	private static String database;

	private static String balancer;

	private static final List<String> nodes = new ArrayList<>();

	private static String exchange;

	private static WebApp webApp;

	@BeforeAll
	static void start() throws Exception {
		var nginxBinary = Nginx.binary();
		var redisBinary = RedisSentinelSet.binary();
		if (System.getenv("LANYARD_E2E_REQUIRED") == null) {
			Assumptions.assumeTrue(nginxBinary.isPresent(), "NGINX is not installed (apt-get install nginx)");
			Assumptions.assumeTrue(redisBinary.isPresent(),
					"redis-server is not installed (apt-get install redis-server)");
		}
		Path work = Files.createDirectories(root.resolve("examples/gateway-e2e/target/sentinel"));
		redis = RedisSentinelSet.start(redisBinary.orElseThrow(), work.resolve("redis"));
		started.add(redis);
		Backends backends = new Backends();
		started.add(backends);
		Path bootstrap = work.resolve("bootstrap.yaml");
		Files.writeString(bootstrap, """
				users:
				  - username: alice
				    password: "alice-password-for-failover"
				    roles: [user]
				clients:
				  - client-id: web-app
				    client-secret: "%s"
				    redirect-uris: [%s]
				    grant-types: [authorization_code, refresh_token]
				    scopes: [openid, profile]
				  - client-id: gateway
				    client-secret: "%s"
				    grant-types: ["urn:ietf:params:oauth:grant-type:token-exchange"]
				    exchange-audiences: [internal]
				  - client-id: service
				    client-secret: "%s"
				    grant-types: [client_credentials]
				    scopes: [reports.read]
				    introspection-allowed: true
				""".formatted(WEB_APP_SECRET, REDIRECT_URI, GATEWAY_SECRET, SERVICE_SECRET));
		int balancerPort = Backends.freePort();
		balancer = "http://127.0.0.1:" + balancerPort;
		webApp = new WebApp(balancer, "web-app", WEB_APP_SECRET, REDIRECT_URI);
		String prefix = "lanyard-sentinel-" + System.nanoTime() + ":";
		Map<String, String> environment = new HashMap<>(redis.environment());
		environment.putAll(Map.of("LANYARD_ISSUER", balancer, "LANYARD_REDIS_KEYPREFIX", prefix, "LANYARD_MASTER_KEY",
				"sentinel-master-key-sentinel-master-key-01", "LANYARD_BOOTSTRAP", bootstrap.toString(),
				"LANYARD_SHUTDOWN_DRAIN", "0s", "LANYARD_TRUSTED_PROXIES", "127.0.0.1"));
		environment.putAll(backends.databaseEnvironment(work));
		// The machine's PostgreSQL, when there is one: its outbox is read below.
		database = environment.get("SPRING_DATASOURCE_URL");
		List<ManagedProcess> servers = new ArrayList<>();
		int[] ports = { Backends.freePort(), Backends.freePort() };
		for (int index = 0; index < 2; index++) {
			Map<String, String> node = new HashMap<>(environment);
			node.put("SERVER_PORT", String.valueOf(ports[index]));
			ManagedProcess server = ManagedProcess.start("node-" + index, ManagedProcess.authServer(root), node, work);
			started.add(server);
			servers.add(server);
			nodes.add("http://127.0.0.1:" + ports[index]);
		}
		int exchangePort = Backends.freePort();
		exchange = "http://127.0.0.1:" + exchangePort;
		Map<String, String> gateway = new HashMap<>(redis.environment());
		gateway.putAll(
				Map.of("SERVER_PORT", String.valueOf(exchangePort), "LANYARD_ISSUER", balancer, "EXCHANGE_CLIENT_ID",
						"gateway", "EXCHANGE_CLIENT_SECRET", GATEWAY_SECRET, "LANYARD_REDIS_KEYPREFIX", prefix));
		ManagedProcess exchangeService = ManagedProcess.start("token-exchange",
				ManagedProcess.java(root.resolve("token-exchange/target/lanyard-token-exchange-exec.jar")), gateway,
				work);
		started.add(exchangeService);
		for (int index = 0; index < 2; index++) {
			servers.get(index).awaitHttp(nodes.get(index) + "/actuator/health", Duration.ofSeconds(120));
		}
		started.add(Nginx
			.startBalancer(nginxBinary.orElseThrow(), root, balancerPort, ports,
					Files.createDirectories(work.resolve("nginx")))
			.awaitHttp(balancer + "/actuator/health/readiness", Duration.ofSeconds(20)));
		// Health 200 with status UP: subscribed to the revocation channel through the
		// sentinel.
		exchangeService.awaitHttp(exchange + "/actuator/health", Duration.ofSeconds(90));
		awaitBody(exchange + "/actuator/health", "\"UP\"", Duration.ofSeconds(20));
	}

	@AfterAll
	static void stop() throws Exception {
		for (int i = started.size() - 1; i >= 0; i--) {
			started.get(i).close();
		}
	}

	@Test
	void sentinelFailoverWhenPrimaryKilledUnderLoadThenNoRevocationLostAndNo500() throws Exception {
		for (String node : nodes) {
			assertThat(get(node + "/actuator/health", null).body()).as("%s on Redis through the sentinel", node)
				.contains("\"status\":\"UP\"");
		}
		String revokedWithoutPrimary = webApp.signIn("alice", "alice-password-for-failover").accessToken();
		String revokedAfterSwitch = webApp.signIn("alice", "alice-password-for-failover").accessToken();
		String kept = webApp.signIn("alice", "alice-password-for-failover").accessToken();
		for (String token : List.of(revokedWithoutPrimary, revokedAfterSwitch, kept)) {
			assertThat(exchange(token)).as("exchanged and cached at the gateway").isEqualTo(200);
		}
		String serviceToken = (String) E2eHttp.json(serviceTokenResponse().body()).get("access_token");

		AtomicBoolean loading = new AtomicBoolean(true);
		AtomicInteger served = new AtomicInteger();
		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		ExecutorService load = Executors.newFixedThreadPool(3);
		List<Runnable> calls = List.of(
				() -> record("token", () -> serviceTokenResponse().statusCode(), served, failures),
				() -> record("introspection", () -> {
					var answer = post(balancer + "/oauth2/introspect", Map.of("token", serviceToken),
							basic("service", SERVICE_SECRET));
					return (answer.statusCode() == 200 && !answer.body().contains("\"active\":true")) ? -1
							: answer.statusCode();
				}, served, failures), () -> record("exchange", () -> exchange(kept), served, failures));
		for (Runnable call : calls) {
			load.submit(() -> {
				while (loading.get()) {
					call.run();
				}
			});
		}
		Thread.sleep(1500);
		redis.killPrimary();
		assertThat(webApp.revoke(revokedWithoutPrimary).statusCode()).as("revocation while there is no primary")
			.isEqualTo(200);
		Instant deadline = Instant.now().plusSeconds(30);
		while (redis.currentPrimaryPort() != redis.replicaPort()) {
			assertThat(Instant.now()).as("Sentinel promotes the replica").isBefore(deadline);
			Thread.sleep(100);
		}
		Instant switched = Instant.now();
		assertThat(webApp.revoke(revokedAfterSwitch).statusCode()).isEqualTo(200);

		for (String token : List.of(revokedWithoutPrimary, revokedAfterSwitch)) {
			Instant refusedBy = switched.plusSeconds(5);
			int status = exchange(token);
			while (status != 401 && Instant.now().isBefore(refusedBy)) {
				Thread.sleep(100);
				status = exchange(token);
			}
			assertThat(status).as("the gateway refuses a token revoked around the failover").isEqualTo(401);
		}
		// Published from the outbox, on the new primary (the old one is dead): not only
		// refused by the gateway, which drops its whole cache when it resubscribes
		// anyway.
		if (database != null) {
			Instant publishedBy = Instant.now().plusSeconds(10);
			while (unpublishedRevocations() > 0 && Instant.now().isBefore(publishedBy)) {
				Thread.sleep(100);
			}
			assertThat(unpublishedRevocations()).as("revocations the outbox has not published").isZero();
		}
		for (String node : nodes) {
			awaitBody(node + "/actuator/health", "\"status\":\"UP\"", Duration.ofSeconds(15));
			assertThat(E2eHttp.json(post(node + "/oauth2/introspect", Map.of("token", revokedWithoutPrimary),
					basic("service", SERVICE_SECRET))
				.body())).isEqualTo(Map.of("active", false));
		}
		assertThat(exchange(kept)).as("a token not revoked still passes").isEqualTo(200);
		Thread.sleep(1000);
		loading.set(false);
		load.shutdown();
		assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
		assertThat(failures).as("requests that failed during the failover").isEmpty();
		assertThat(served.get()).as("requests served").isGreaterThan(50);
	}

	/** Rows of the revocation outbox not yet published on the revocation channel. */
	private static long unpublishedRevocations() throws SQLException {
		try (Connection connection = DriverManager.getConnection(database, "postgres", "");
				ResultSet rows = connection.createStatement()
					.executeQuery("SELECT count(*) FROM revocation_outbox WHERE NOT published")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	private interface Call {

		int status() throws Exception;

	}

	private static void record(String name, Call call, AtomicInteger served, ConcurrentLinkedQueue<String> failures) {
		try {
			int status = call.status();
			if (status == 200) {
				served.incrementAndGet();
			}
			else {
				failures.add(Instant.now() + " " + name + " " + status);
			}
		}
		catch (Exception ex) {
			failures.add(Instant.now() + " " + name + " " + ex);
		}
	}

	private static java.net.http.HttpResponse<String> serviceTokenResponse() throws Exception {
		return post(balancer + "/oauth2/token", Map.of("grant_type", "client_credentials"),
				basic("service", SERVICE_SECRET));
	}

	private static int exchange(String token) throws Exception {
		return get(exchange + "/exchange", "Bearer " + token).statusCode();
	}

	private static void awaitBody(String url, String expected, Duration timeout) throws Exception {
		Instant deadline = Instant.now().plus(timeout);
		String body = "";
		while (Instant.now().isBefore(deadline)) {
			try {
				body = get(url, null).body();
				if (body.contains(expected)) {
					return;
				}
			}
			catch (java.io.IOException ex) {
				body = ex.toString();
			}
			Thread.sleep(250);
		}
		throw new AssertionError(url + " never showed " + expected + "; last: " + body);
	}

}
