package dev.lanyard.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 2: a rolling restart of both nodes behind NGINX (the balancer template in
 * {@code docker/nginx/templates}) under load loses no request: each node, on SIGTERM,
 * drains (reports not ready, keeps serving, closes its connections) before it stops.
 */
class RollingRestartIT {

	private static final String SERVICE_SECRET = "service-secret-at-least-32-characters-long";

	// Between one client's requests: three clients send up to about 150 a second.
	private static final long LOAD_PAUSE_MILLIS = 20;

	private static final Path root = Path.of(System.getProperty("lanyard.root", "../..")).toAbsolutePath().normalize();

	private static Backends backends;

	private static ManagedProcess nginx;

	private static final List<ManagedProcess> nodes = new ArrayList<>();

	private static Path work;

	private static Map<String, String> environment;

	private static String balancer;

	private static int[] ports;

	@BeforeAll
	static void start() throws Exception {
		var nginxBinary = Nginx.binary();
		if (System.getenv("LANYARD_E2E_REQUIRED") == null) {
			Assumptions.assumeTrue(nginxBinary.isPresent(), "NGINX is not installed (apt-get install nginx)");
		}
		work = Files.createDirectories(root.resolve("examples/gateway-e2e/target/rolling"));
		try (var old = Files.walk(work.resolve("access")).filter(Files::isRegularFile)) {
			for (Path log : old.toList()) {
				Files.delete(log);
			}
		}
		catch (java.nio.file.NoSuchFileException ex) {
			// The first run here.
		}
		backends = new Backends();
		Path bootstrap = work.resolve("bootstrap.yaml");
		Files.writeString(bootstrap, """
				clients:
				  - client-id: service
				    client-secret: "%s"
				    grant-types: [client_credentials]
				    scopes: [reports.read]
				""".formatted(SERVICE_SECRET));
		int balancerPort = Backends.freePort();
		balancer = "http://127.0.0.1:" + balancerPort;
		ports = new int[] { Backends.restartablePort(), Backends.restartablePort() };
		environment = new HashMap<>(Map.of("LANYARD_ISSUER", balancer, "SPRING_DATA_REDIS_URL", backends.redisUrl(),
				"LANYARD_REDIS_KEYPREFIX", "lanyard-rolling-" + System.nanoTime() + ":", "LANYARD_MASTER_KEY",
				"rolling-master-key-rolling-master-key-0123", "LANYARD_BOOTSTRAP", bootstrap.toString(),
				"LANYARD_SHUTDOWN_DRAIN", "3s", "LANYARD_TRUSTED_PROXIES", "127.0.0.1"));
		environment.putAll(backends.databaseEnvironment(work));
		// Both first nodes start side by side; the restarts below are one at a time.
		nodes.add(launchNode(0, 0));
		nodes.add(launchNode(1, 0));
		for (int index = 0; index < 2; index++) {
			awaitReady(nodes.get(index), index);
		}
		nginx = Nginx.startBalancer(nginxBinary.orElseThrow(), root, balancerPort, ports,
				Files.createDirectories(work.resolve("nginx")));
		nginx.awaitHttp(balancer + "/actuator/health/readiness", Duration.ofSeconds(20));
	}

	@AfterAll
	static void stop() throws Exception {
		if (nginx != null) {
			nginx.close();
		}
		for (ManagedProcess node : nodes) {
			node.close();
		}
		if (backends != null) {
			backends.close();
		}
	}

	@Test
	void rollingRestartWhenUnderLoadThenNoRequestFails() throws Exception {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		String basic = "Basic "
				+ Base64.getEncoder().encodeToString(("service:" + SERVICE_SECRET).getBytes(StandardCharsets.UTF_8));
		AtomicBoolean loading = new AtomicBoolean(true);
		AtomicInteger succeeded = new AtomicInteger();
		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		ExecutorService load = Executors.newFixedThreadPool(3);
		for (int i = 0; i < 3; i++) {
			load.submit(() -> {
				while (loading.get()) {
					try {
						HttpResponse<String> answer = http
							.send(HttpRequest.newBuilder(URI.create(balancer + "/oauth2/token"))
								.timeout(Duration.ofSeconds(30))
								.header("Authorization", basic)
								.header("Content-Type", "application/x-www-form-urlencoded")
								.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
								.build(), HttpResponse.BodyHandlers.ofString());
						if (answer.statusCode() == 200) {
							succeeded.incrementAndGet();
						}
						else {
							failures.add(Instant.now() + " " + answer.statusCode() + " " + answer.body());
						}
					}
					catch (Exception ex) {
						failures.add(Instant.now() + " " + ex);
					}
					// Steady, not saturating: a request still comes every few
					// milliseconds during each drain, and a restarting node (and
					// the rest of the build, on two cores) has the CPU to start
					// in about half the time.
					Thread.sleep(LOAD_PAUSE_MILLIS);
				}
				return null;
			});
		}
		Thread.sleep(2000);
		for (int index = 0; index < 2; index++) {
			// SIGTERM, as Kubernetes or systemd sends it: the node reports itself not
			// ready
			// at once and keeps serving while it drains, then stops.
			String node = "http://127.0.0.1:" + ports[index];
			nodes.get(index).terminate();
			assertThat(awaitStatus(http, node + "/actuator/health/readiness", 503)).as("readiness while draining")
				.isTrue();
			HttpResponse<String> served = http.send(HttpRequest.newBuilder(URI.create(node + "/oauth2/token"))
				.header("Authorization", basic)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(served.statusCode()).as("still serving while draining").isEqualTo(200);
			assertThat(served.headers().firstValue("Connection")).hasValue("close");
			nodes.get(index).close();
			nodes.set(index, startNode(index, 1));
			// NGINX takes a node that refused connections back only after fail_timeout (2
			// s):
			// stopping the next one before that would leave it none (see the template).
			Thread.sleep(2500);
		}
		Thread.sleep(2000);
		loading.set(false);
		load.shutdown();
		assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
		assertThat(failures).as(() -> "requests that failed during the rolling restart; " + diagnostics()).isEmpty();
		assertThat(succeeded.get()).as("requests served").isGreaterThan(50);
	}

	/** What NGINX and each node saw of the requests that did not succeed. */
	private static String diagnostics() {
		try {
			StringBuilder seen = new StringBuilder("NGINX:\n")
				.append(Nginx.unsuccessfulRequests(work.resolve("nginx")));
			try (var logs = Files.list(work.resolve("access"))) {
				for (Path log : logs.sorted().toList()) {
					seen.append("\n").append(log.getFileName()).append(":\n");
					Files.readAllLines(log)
						.stream()
						.filter((line) -> !line.contains("\" 200 "))
						.forEach((line) -> seen.append(line).append("\n"));
				}
			}
			return seen.toString();
		}
		catch (java.io.IOException ex) {
			return "(no logs: " + ex + ")";
		}
	}

	private static boolean awaitStatus(HttpClient http, String url, int status) throws Exception {
		for (int i = 0; i < 20; i++) {
			try {
				if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
					.statusCode() == status) {
					return true;
				}
			}
			catch (java.io.IOException ex) {
				// Not answering (yet, or any more).
			}
			Thread.sleep(100);
		}
		return false;
	}

	private static ManagedProcess launchNode(int index, int generation) throws Exception {
		Map<String, String> node = new HashMap<>(environment);
		node.put("SERVER_PORT", String.valueOf(ports[index]));
		// Each node's own record of what it answered, read when the test fails.
		node.put("SERVER_TOMCAT_ACCESSLOG_ENABLED", "true");
		node.put("SERVER_TOMCAT_ACCESSLOG_DIRECTORY", work.resolve("access").toString());
		node.put("SERVER_TOMCAT_ACCESSLOG_PREFIX", "node-" + index + "-" + generation);
		node.put("SERVER_TOMCAT_ACCESSLOG_PATTERN",
				"%{yyyy-MM-dd'T'HH:mm:ss.SSS}t \"%r\" %s %b %{ms}T ms conn=%{Connection}o");
		node.put("SERVER_TOMCAT_ACCESSLOG_BUFFERED", "false");
		return ManagedProcess.start("node-" + index + "-" + generation, ManagedProcess.authServer(root), node, work);
	}

	private static ManagedProcess startNode(int index, int generation) throws Exception {
		return awaitReady(launchNode(index, generation), index);
	}

	private static ManagedProcess awaitReady(ManagedProcess process, int index) throws InterruptedException {
		return process.awaitHttp("http://127.0.0.1:" + ports[index] + "/actuator/health/readiness",
				Duration.ofSeconds(120));
	}

}
