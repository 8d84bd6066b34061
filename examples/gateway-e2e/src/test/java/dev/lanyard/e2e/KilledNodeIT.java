package dev.lanyard.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README: "a restart keeps every token", and every token is durable in PostgreSQL before
 * it is answered. The run command's default (nothing configured: Lanyard's own PostgreSQL
 * under the data directory, no Redis) killed outright (SIGKILL, as the kernel's
 * out-of-memory killer or a lost machine does) while clients are being issued tokens: its
 * PostgreSQL, left running by the killed JVM, is stopped and started again by the next
 * start, which serves every token any client was answered.
 */
class KilledNodeIT {

	private static final String SERVICE_SECRET = "service-secret-at-least-32-characters-long";

	private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\":\"([^\"]+)\"");

	private static final Path root = Path.of(System.getProperty("lanyard.root", "../..")).toAbsolutePath().normalize();

	@Test
	void embeddedDefaultWhenKilledUnderLoadThenEveryAnsweredTokenServedAfterTheNextStart() throws Exception {
		Path work = root.resolve("examples/gateway-e2e/target/killed");
		if (Files.exists(work)) {
			// An earlier run's data: this test starts from an empty data directory.
			try (var old = Files.walk(work)) {
				for (Path path : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
					Files.delete(path);
				}
			}
		}
		Files.createDirectories(work);
		Path bootstrap = work.resolve("bootstrap.yaml");
		Files.writeString(bootstrap, """
				clients:
				  - client-id: service
				    client-secret: "%s"
				    grant-types: [client_credentials]
				    scopes: [reports.read]
				""".formatted(SERVICE_SECRET));
		int port = Backends.restartablePort();
		String server = "http://127.0.0.1:" + port;
		Map<String, String> environment = Map.of("SERVER_PORT", String.valueOf(port), "LANYARD_ISSUER", server,
				"LANYARD_BOOTSTRAP", bootstrap.toString(), "LANYARD_DATA_DIRECTORY",
				Files.createDirectories(work.resolve("data")).toString());
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		String basic = "Basic "
				+ Base64.getEncoder().encodeToString(("service:" + SERVICE_SECRET).getBytes(StandardCharsets.UTF_8));
		ConcurrentLinkedQueue<String> answered = new ConcurrentLinkedQueue<>();
		try (ManagedProcess first = ManagedProcess.start("killed-first", ManagedProcess.authServer(root), environment,
				work)) {
			first.awaitHttp(server + "/actuator/health/readiness", Duration.ofSeconds(90));
			AtomicBoolean loading = new AtomicBoolean(true);
			ExecutorService load = Executors.newFixedThreadPool(4);
			for (int i = 0; i < 4; i++) {
				load.submit(() -> {
					while (loading.get()) {
						try {
							HttpResponse<String> answer = http.send(tokenRequest(server, basic),
									HttpResponse.BodyHandlers.ofString());
							Matcher token = ACCESS_TOKEN.matcher(answer.body());
							if (answer.statusCode() == 200 && token.find()) {
								answered.add(token.group(1));
							}
						}
						catch (Exception ex) {
							// The node is gone: what was not answered was not promised.
						}
					}
					return null;
				});
			}
			Thread.sleep(2000);
			// Killed while requests are under way, some of them committed and not yet
			// answered, some answered a moment ago.
			first.kill();
			// And its PostgreSQL, as a lost machine would lose it: what it committed
			// survives in its write-ahead log, whatever it had not written is gone.
			killPostgres(work.resolve("data/postgres"));
			loading.set(false);
			load.shutdown();
			assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(answered).as("tokens answered before the kill").hasSizeGreaterThan(20);
		try (ManagedProcess second = ManagedProcess.start("killed-second", ManagedProcess.authServer(root), environment,
				work)) {
			second.awaitHttp(server + "/actuator/health/readiness", Duration.ofSeconds(90));
			List<String> inactive = new ArrayList<>();
			for (String token : answered) {
				HttpResponse<String> introspection = http
					.send(HttpRequest.newBuilder(URI.create(server + "/oauth2/introspect"))
						.header("Authorization", basic)
						.header("Content-Type", "application/x-www-form-urlencoded")
						.POST(HttpRequest.BodyPublishers.ofString("token=" + token))
						.build(), HttpResponse.BodyHandlers.ofString());
				if (!introspection.body().contains("\"active\":true")) {
					inactive.add(token.substring(0, 12) + "… " + introspection.statusCode());
				}
			}
			assertThat(inactive).as("answered tokens the restarted node does not know, of %d", answered.size())
				.isEmpty();
			assertThat(second.log()).contains("Embedded PostgreSQL listening");
		}
	}

	/** SIGKILL to the postmaster of a data directory (its children follow it). */
	private static void killPostgres(Path dataDirectory) throws Exception {
		long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).strip());
		ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
		assertThat(postmaster.destroyForcibly()).isTrue();
		postmaster.onExit().get(10, TimeUnit.SECONDS);
	}

	private static HttpRequest tokenRequest(String server, String basic) {
		return HttpRequest.newBuilder(URI.create(server + "/oauth2/token"))
			.timeout(Duration.ofSeconds(10))
			.header("Authorization", basic)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
			.build();
	}

}
