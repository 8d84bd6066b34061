package dev.lanyard.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.lanyard.jwt.TestAuthorizationServer;
import dev.lanyard.jwt.TestJwts;
import dev.lanyard.jwt.TestKeys;

/**
 * The contract other tools rely on: {@code target/lanyard-demo-service.jar} runs with
 * {@code LANYARD_ISSUER}, {@code LANYARD_JWT_AUDIENCE} and {@code SERVER_PORT} and
 * answers {@code GET /me}.
 */
class DemoServiceJarIT {

	@Test
	void jarWhenStartedWithEnvironmentThenServesMe() throws Exception {
		Path jar = Path.of("target", "lanyard-demo-service.jar");
		assertThat(jar).exists();
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		Path log = Files.createTempFile("lanyard-demo-service", ".log");
		try (TestAuthorizationServer server = TestAuthorizationServer.start(TestKeys.RSA_K1)) {
			ProcessBuilder builder = new ProcessBuilder(
					Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile());
			builder.environment().put("LANYARD_ISSUER", server.issuer());
			builder.environment().put("LANYARD_JWT_AUDIENCE", "orders");
			builder.environment().put("SERVER_PORT", Integer.toString(port));
			Process process = builder.start();
			try {
				HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
				awaitHealthy(http, port, process, log);

				String token = TestJwts.accessToken(server.issuer()).claim("aud", "orders").build();
				HttpResponse<String> me = http
					.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/me"))
						.header("Authorization", "Bearer " + token)
						.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(me.statusCode()).isEqualTo(200);
				assertThat(me.body()).contains("\"sub\":\"u1\"", "\"tenant\":\"acme\"");

				String forInternal = TestJwts.accessToken(server.issuer()).build();
				HttpResponse<String> wrongAudience = http
					.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/me"))
						.header("Authorization", "Bearer " + forInternal)
						.build(), HttpResponse.BodyHandlers.ofString());
				assertThat(wrongAudience.statusCode()).as("LANYARD_JWT_AUDIENCE is applied").isEqualTo(401);
			}
			finally {
				process.destroy();
				if (!process.waitFor(20, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
		}
		finally {
			Files.deleteIfExists(log);
		}
	}

	private static void awaitHealthy(HttpClient http, int port, Process process, Path log) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new AssertionError("demo service exited:\n" + Files.readString(log));
			}
			try {
				HttpResponse<String> health = http.send(
						HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
						HttpResponse.BodyHandlers.ofString());
				if (health.statusCode() == 200) {
					return;
				}
			}
			catch (java.io.IOException e) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new AssertionError("demo service did not become healthy:\n" + Files.readString(log));
	}

}
