package dev.lanyard.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A server started as its own process for an end-to-end test, with its output in a file.
 */
final class ManagedProcess implements AutoCloseable {

	private final String name;

	private final Process process;

	private final Path log;

	private ManagedProcess(String name, Process process, Path log) {
		this.name = name;
		this.process = process;
		this.log = log;
	}

	static ManagedProcess start(String name, List<String> command, Map<String, String> environment, Path logDirectory)
			throws IOException {
		Files.createDirectories(logDirectory);
		Path log = logDirectory.resolve(name + ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		return new ManagedProcess(name, builder.start(), log);
	}

	static List<String> java(Path jar) {
		return List.of(javaCommand(), "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString());
	}

	/**
	 * The authorization server as the Docker image runs it: the extracted jar with its
	 * class-data-sharing archive ({@code auth-server/target/cds/}, written by
	 * {@code package}), which starts in about 60 % of the time of the nested jar. Without
	 * the archive (built with {@code -Dlanyard.cds.skip}), the nested jar.
	 */
	static List<String> authServer(Path root) {
		Path cds = root.resolve("auth-server/target/cds");
		if (!Files.isRegularFile(cds.resolve("application.jsa"))) {
			return java(root.resolve("auth-server/target/lanyard-auth-server.jar"));
		}
		return List.of(javaCommand(), "-Xmx384m", "-XX:TieredStopAtLevel=1",
				"-XX:SharedArchiveFile=" + cds.resolve("application.jsa"), "-Xlog:cds=off,cds+dynamic=off", "-jar",
				cds.resolve("lanyard-auth-server.jar").toString());
	}

	private static String javaCommand() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** Waits until a URL answers 200. */
	ManagedProcess awaitHttp(String url, Duration timeout) throws InterruptedException {
		HttpClient http = HttpClient.newHttpClient();
		Instant deadline = Instant.now().plus(timeout);
		while (Instant.now().isBefore(deadline)) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited: " + tail());
			}
			try {
				HttpResponse<Void> response = http.send(
						HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
						HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					return this;
				}
			}
			catch (IOException ex) {
				// Not up yet.
			}
			Thread.sleep(250);
		}
		throw new IllegalStateException(this.name + " did not come up at " + url + ": " + tail());
	}

	String tail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	String log() throws IOException {
		return Files.readString(this.log);
	}

	/** Kills the process outright (SIGKILL) and waits for it to be gone. */
	void kill() {
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Sends SIGTERM and returns at once. */
	void terminate() {
		this.process.destroy();
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
