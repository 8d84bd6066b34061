package dev.lanyard.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Redis primary, its replica and a Sentinel watching them, three real
 * {@code redis-server} processes on loopback: the smallest set-up in which Sentinel
 * promotes the replica when the primary dies. A quorum of one is enough for a test
 * (production runs three sentinels).
 */
final class RedisSentinelSet implements AutoCloseable {

	static final String MASTER_NAME = "lanyard";

	private final List<ManagedProcess> processes = new ArrayList<>();

	private final ManagedProcess primary;

	private final int primaryPort;

	private final int replicaPort;

	private final int sentinelPort;

	private RedisSentinelSet(Path binary, Path directory) throws Exception {
		this.primaryPort = Backends.freePort();
		this.replicaPort = Backends.freePort();
		this.sentinelPort = Backends.freePort();
		this.primary = server(binary, directory, "redis-primary", this.primaryPort);
		server(binary, directory, "redis-replica", this.replicaPort, "--replicaof", "127.0.0.1",
				String.valueOf(this.primaryPort));
		await(() -> command(this.replicaPort, "INFO", "replication").contains("master_link_status:up"),
				"the replica to follow the primary");
		Path configuration = directory.resolve("sentinel.conf");
		// Sentinel rewrites its configuration file as it learns: a fresh one each run.
		Files.writeString(configuration, """
				port %d
				bind 127.0.0.1
				dir %s
				sentinel monitor %s 127.0.0.1 %d 1
				sentinel down-after-milliseconds %3$s 1000
				sentinel failover-timeout %3$s 10000
				sentinel parallel-syncs %3$s 1
				""".formatted(this.sentinelPort, directory, MASTER_NAME, this.primaryPort));
		this.processes.add(ManagedProcess.start("redis-sentinel",
				List.of(binary.toString(), configuration.toString(), "--sentinel"), Map.of(), directory));
		await(() -> command(this.sentinelPort, "SENTINEL", "replicas", MASTER_NAME)
			.contains(String.valueOf(this.replicaPort)), "the sentinel to know the replica");
	}

	static Optional<Path> binary() {
		for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
			if (Files.isExecutable(Path.of(candidate))) {
				return Optional.of(Path.of(candidate));
			}
		}
		return Optional.empty();
	}

	static RedisSentinelSet start(Path binary, Path directory) throws Exception {
		Files.createDirectories(directory);
		return new RedisSentinelSet(binary, directory);
	}

	/** {@code SPRING_DATA_REDIS_SENTINEL_*} for a Lanyard process. */
	Map<String, String> environment() {
		return Map.of("SPRING_DATA_REDIS_SENTINEL_MASTER", MASTER_NAME, "SPRING_DATA_REDIS_SENTINEL_NODES",
				"127.0.0.1:" + this.sentinelPort);
	}

	int primaryPort() {
		return this.primaryPort;
	}

	int replicaPort() {
		return this.replicaPort;
	}

	/** The port of the primary as the sentinel names it now. */
	int currentPrimaryPort() {
		String[] lines = command(this.sentinelPort, "SENTINEL", "get-master-addr-by-name", MASTER_NAME).split("\r\n");
		return Integer.parseInt(lines[lines.length - 1].trim());
	}

	/** Kills the primary outright (SIGKILL), as a crashed machine would. */
	void killPrimary() {
		this.primary.kill();
	}

	private ManagedProcess server(Path binary, Path directory, String name, int port, String... extra)
			throws IOException {
		List<String> command = new ArrayList<>(
				List.of(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
						"--appendonly", "no", "--dir", directory.toString(), "--dbfilename", name + ".rdb"));
		command.addAll(List.of(extra));
		ManagedProcess process = ManagedProcess.start(name, command, Map.of(), directory);
		this.processes.add(process);
		return process;
	}

	/**
	 * One command in RESP; the reply flattened to its lines (status, errors, integers,
	 * bulk strings and arrays of them, all ASCII here).
	 */
	static String command(int port, String... arguments) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(2000);
			StringBuilder request = new StringBuilder("*" + arguments.length + "\r\n");
			for (String argument : arguments) {
				request.append('$')
					.append(argument.getBytes(StandardCharsets.UTF_8).length)
					.append("\r\n")
					.append(argument)
					.append("\r\n");
			}
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			BufferedReader in = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			StringBuilder reply = new StringBuilder();
			readReply(in, reply);
			return reply.toString();
		}
		catch (IOException ex) {
			return "-unreachable " + ex.getMessage();
		}
	}

	private static void readReply(BufferedReader in, StringBuilder reply) throws IOException {
		String line = in.readLine();
		if (line == null) {
			throw new IOException("connection closed");
		}
		switch (line.charAt(0)) {
			case '$' -> {
				int length = Integer.parseInt(line.substring(1));
				if (length >= 0) {
					char[] bulk = new char[length + 2];
					int read = 0;
					while (read < bulk.length) {
						int n = in.read(bulk, read, bulk.length - read);
						if (n < 0) {
							throw new IOException("connection closed");
						}
						read += n;
					}
					reply.append(bulk, 0, length).append("\r\n");
				}
			}
			case '*' -> {
				int count = Integer.parseInt(line.substring(1));
				for (int i = 0; i < count; i++) {
					readReply(in, reply);
				}
			}
			default -> reply.append(line).append("\r\n");
		}
	}

	private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
		while (!condition.getAsBoolean()) {
			if (Instant.now().isAfter(deadline)) {
				throw new IllegalStateException("Timed out waiting for " + what);
			}
			Thread.sleep(100);
		}
	}

	@Override
	public void close() throws InterruptedException {
		for (ManagedProcess process : this.processes) {
			process.close();
		}
	}

}
