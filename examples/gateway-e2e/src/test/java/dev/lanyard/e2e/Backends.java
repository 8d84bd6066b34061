package dev.lanyard.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import redis.embedded.RedisServer;

/**
 * PostgreSQL and Redis for the end-to-end test: the machine's when reachable (CI), else
 * Redis embedded and PostgreSQL left to the auth-server's embedded default.
 */
final class Backends implements AutoCloseable {

	private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

	private RedisServer embeddedRedis;

	// Dropped on close, once the processes that used them have stopped.
	private final List<String> databases = new ArrayList<>();

	/** A fresh database URL, or {@code null} to let the server run its embedded one. */
	String newDatabase() throws SQLException {
		if (!reachable(5432)) {
			return null;
		}
		String name = "lanyard_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		try (Connection connection = DriverManager.getConnection(ADMIN_URL, "postgres", "")) {
			connection.createStatement().execute("CREATE DATABASE " + name);
		}
		this.databases.add(name);
		return "jdbc:postgresql://127.0.0.1:5432/" + name;
	}

	/**
	 * The database settings of an authorization server process: a new database on the
	 * machine's PostgreSQL, else the server's embedded one with its data in
	 * {@code work/data}.
	 */
	Map<String, String> databaseEnvironment(Path work) throws SQLException, IOException {
		String database = newDatabase();
		if (database != null) {
			return Map.of("SPRING_DATASOURCE_URL", database, "SPRING_DATASOURCE_USERNAME", "postgres");
		}
		return Map.of("LANYARD_DATA_DIRECTORY", Files.createDirectories(work.resolve("data")).toString());
	}

	String redisUrl() throws IOException {
		if (reachable(6379)) {
			return "redis://127.0.0.1:6379";
		}
		int port = freePort();
		this.embeddedRedis = new RedisServer(port);
		this.embeddedRedis.start();
		return "redis://127.0.0.1:" + port;
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * A free port for a process that is stopped and started again on it.
	 * {@link #freePort()} hands out ports from the kernel's ephemeral range, which it
	 * gives to anyone asking for a port (another test started beside this one, an
	 * outgoing connection) once it is free: while the process is down, someone else could
	 * take its port and answer in its place. Ports below that range (32768 and up on
	 * Linux) are never handed out so.
	 */
	static int restartablePort() throws IOException {
		for (int tries = 0; tries < 100; tries++) {
			int port = ThreadLocalRandom.current().nextInt(20000, 32000);
			try (ServerSocket socket = new ServerSocket(port)) {
				return socket.getLocalPort();
			}
			catch (IOException taken) {
				// Try another.
			}
		}
		throw new IOException("No free port between 20000 and 32000");
	}

	private static boolean reachable(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() throws IOException {
		if (this.embeddedRedis != null) {
			this.embeddedRedis.stop();
		}
		if (!this.databases.isEmpty()) {
			try (Connection connection = DriverManager.getConnection(ADMIN_URL, "postgres", "")) {
				for (String name : this.databases) {
					// WITH (FORCE): a process that outlived its test must not keep it.
					connection.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
				}
			}
			catch (SQLException ex) {
				// Housekeeping only; the next run's databases have names of their own.
			}
		}
	}

}
