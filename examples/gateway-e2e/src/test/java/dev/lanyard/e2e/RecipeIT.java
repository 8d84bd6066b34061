package dev.lanyard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.lanyard.e2e.WebApp.Session;

/**
 * The README's "three pieces together" commands, run as written (the block after
 * {@code <!-- recipe: three-pieces -->}) from the checkout, with the jars the build just
 * made: Lanyard from the example bootstrap file, the exchange service, the demo service
 * and NGINX from the shipped {@code docker/nginx/nginx.conf}. Then a person signs in
 * through the example web app, calls the demo service through NGINX, signs out, and the
 * gateway refuses the token within a second. If the README drifts from the code, this
 * fails.
 *
 * <p>
 * What differs from a newcomer's terminal, both through the environment, not the
 * commands: {@code LANYARD_DATA_DIRECTORY} points the embedded PostgreSQL at a fresh
 * directory under {@code /tmp} (as root, as CI runs, it must be reachable by every user:
 * the README says so), and {@code LANYARD_SHUTDOWN_DRAIN=0s}, as no balancer needs
 * draining at the end; the fixed ports of the recipe must be free.
 */
class RecipeIT {

	private static final Path ROOT = Path.of(System.getProperty("lanyard.root", "../..")).toAbsolutePath().normalize();

	private static final String MARKER = "<!-- recipe: three-pieces -->";

	@Test
	void readmeRecipeWhenRunAsWrittenThenGatewayServesAndRevokesAtOnce() throws Exception {
		boolean required = System.getenv("LANYARD_E2E_REQUIRED") != null;
		boolean tools = Nginx.binary().isPresent() && Files.isExecutable(Path.of("/usr/bin/envsubst"));
		if (!required) {
			Assumptions.assumeTrue(tools, "NGINX or envsubst is not installed");
		}
		for (int port : List.of(9000, 9100, 9200, 8080)) {
			assertThat(free(port)).as("the recipe's port %d is free", port).isTrue();
		}
		Path work = Files.createDirectories(ROOT.resolve("examples/gateway-e2e/target/recipe"));
		Path script = work.resolve("three-pieces.sh");
		// The block, then wait: the shell stays the parent of the four, so they stop with
		// it.
		Files.writeString(script, "set -e\n" + recipe() + "\nwait\n");
		Path data = Files.createTempDirectory(Path.of("/tmp"), "lanyard-recipe-");
		data.toFile().setExecutable(true, false);
		ProcessBuilder builder = new ProcessBuilder("bash", script.toString()).directory(ROOT.toFile())
			.redirectErrorStream(true)
			.redirectOutput(work.resolve("three-pieces.out").toFile());
		builder.environment().put("LANYARD_DATA_DIRECTORY", data.toString());
		// Stopped by the test, not behind a balancer: no drain.
		builder.environment().put("LANYARD_SHUTDOWN_DRAIN", "0s");
		Process shell = builder.start();
		try {
			awaitHealthy("http://localhost:9000/actuator/health/readiness", shell);
			awaitHealthy("http://127.0.0.1:9100/actuator/health", shell);
			awaitHealthy("http://127.0.0.1:9200/actuator/health", shell);
			// The exchange service may have started before Lanyard: its stream connects
			// within seconds, and revocations reach it at once from then on.
			E2eHttp.awaitRevocationsHeard("http://127.0.0.1:9100");

			WebApp webApp = new WebApp("http://localhost:9000", "web-app", "web-app-secret-at-least-32-characters",
					"http://127.0.0.1:8765/callback");
			Session alice = webApp.signIn("alice", "alice-wonderland-2026");
			HttpResponse<String> me = E2eHttp.get("http://127.0.0.1:8080/me", "Bearer " + alice.accessToken());
			assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
			assertThat(me.body()).contains("alice", "acme");

			webApp.signOut(alice);
			E2eHttp.assertRefusedWithinOneSecond("http://127.0.0.1:8080/me", alice.accessToken());
		}
		finally {
			// SIGTERM to all four and the embedded PostgreSQL, which each stop cleanly.
			List<ProcessHandle> pieces = shell.descendants().toList();
			pieces.forEach(ProcessHandle::destroy);
			for (ProcessHandle piece : pieces) {
				try {
					piece.onExit().get(30, TimeUnit.SECONDS);
				}
				catch (java.util.concurrent.TimeoutException ex) {
					piece.destroyForcibly();
				}
			}
			shell.destroy();
			shell.waitFor(10, TimeUnit.SECONDS);
			try (var files = Files.walk(data)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}
	}

	/** The README's block, exactly. */
	private static String recipe() throws IOException {
		String readme = Files.readString(ROOT.resolve("README.md"));
		int marker = readme.indexOf(MARKER);
		assertThat(marker).as("README.md has the marked recipe").isNotNegative();
		int start = readme.indexOf("```sh\n", marker) + "```sh\n".length();
		return readme.substring(start, readme.indexOf("\n```", start));
	}

	private static void awaitHealthy(String url, Process shell) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline) {
			assertThat(shell.isAlive()).as("the recipe's shell is running (see target/recipe/three-pieces.out)")
				.isTrue();
			try {
				if (E2eHttp.get(url, null).statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(250);
		}
		throw new AssertionError(url + " did not become healthy; logs in the checkout: lanyard.log, exchange.log");
	}

	private static boolean free(int port) {
		try (ServerSocket socket = new ServerSocket(port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
