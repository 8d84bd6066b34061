package dev.lanyard.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.lanyard.server.storage.EmbeddedPostgresServer;
import dev.lanyard.server.user.UserRepositories;
import org.flywaydb.core.Flyway;
import redis.embedded.RedisServer;

/**
 * The PostgreSQL and Redis the tests talk to: the ones running on 127.0.0.1 (5432, 6379)
 * when reachable, as on CI; otherwise embedded ones started once for the test JVM, so the
 * tests pass on a machine with only a JDK. Each caller gets a fresh database.
 */
public final class TestBackends {

	private static EmbeddedPostgresServer embeddedPostgres;

	private static RedisServer embeddedRedis;

	private static String redisUrl;

	private static String migratedTemplate;

	// Test databases carry the hour they were made in (UTC), so that a later test JVM can
	// drop what earlier runs left: a run makes about two hundred, some 9 MB each.
	private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);

	private static final Pattern TEST_DATABASE = Pattern.compile("lanyard_test_(\\d{10})_[0-9a-f]{12}");

	// Names from before the hour was part of them.
	private static final Pattern UNDATED_TEST_DATABASE = Pattern.compile("lanyard_test_[0-9a-f]{16}");

	// Older than this, a test database belongs to no run still going (runs take minutes).
	static final Duration LEFT_BEHIND_AFTER = Duration.ofHours(2);

	// Each DROP DATABASE waits for a checkpoint (about 0.6 s here): a sweep drops at most
	// this many, so that a machine with thousands left is cleaned over a few runs rather
	// than slowing one down (three test JVMs drop up to 300, a run makes about 200).
	private static final int DROPS_PER_SWEEP = 100;

	// pg_advisory_lock key of the sweep: the test JVMs of a run take turns.
	static final long SWEEP_LOCK = 0x6c616e7961726400L;

	private static boolean sweepStarted;

	private TestBackends() {
	}

	/** A JDBC URL of a new, empty database (user {@code postgres}, no password). */
	public static synchronized String newDatabase() {
		return createDatabase(null);
	}

	/**
	 * A JDBC URL of a new database with Lanyard's schema: a copy of one this JVM migrated
	 * with Flyway from the server's migrations (SQL and Java) once, so that each test
	 * deployment's first node finds its schema current (its Flyway still validates it)
	 * rather than applying every migration again. Nothing else is in it: the first node
	 * still generates the keys and imports the bootstrap file.
	 */
	public static synchronized String newMigratedDatabase() {
		if (migratedTemplate == null) {
			String url = createDatabase(null);
			migrate(url, null);
			migratedTemplate = url.substring(url.lastIndexOf('/') + 1);
		}
		return createDatabase(migratedTemplate);
	}

	/**
	 * Migrates a database with the server's migrations (SQL and Java), as a node does.
	 * @param target the version to stop at, or {@code null} for the latest
	 */
	public static void migrate(String url, String target) {
		var configuration = Flyway.configure()
			.dataSource(url, "postgres", superuserPassword())
			.locations("classpath:db/migration")
			.javaMigrations(UserRepositories.javaMigrations());
		if (target != null) {
			configuration.target(target);
		}
		configuration.load().migrate();
	}

	private static String createDatabase(String template) {
		String name = "lanyard_test_" + HOUR.format(Instant.now()) + "_"
				+ UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		String adminUrl;
		if (reachable(5432)) {
			adminUrl = "jdbc:postgresql://127.0.0.1:5432/postgres";
			if (!sweepStarted) {
				sweepStarted = true;
				Thread sweep = new Thread(() -> dropLeftBehind(adminUrl, Instant.now(), (database) -> true),
						"test-database-sweep");
				sweep.setDaemon(true);
				sweep.start();
			}
		}
		else {
			if (embeddedPostgres == null) {
				embeddedPostgres = EmbeddedPostgresServer.start(tempDirectory("lanyard-test-pg").resolve("data"));
				Runtime.getRuntime().addShutdownHook(new Thread(embeddedPostgres::close));
			}
			adminUrl = embeddedPostgres.jdbcUrl();
		}
		try (Connection connection = DriverManager.getConnection(adminUrl, "postgres", superuserPassword())) {
			connection.createStatement()
				.execute("CREATE DATABASE " + name + ((template != null) ? " TEMPLATE " + template : ""));
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create test database", ex);
		}
		return adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + name;
	}

	/**
	 * Drops the test databases that earlier runs left on the machine's PostgreSQL (made
	 * more than {@link #LEFT_BEHIND_AFTER} before {@code now}, or named before names held
	 * the hour), on a background thread of each test JVM's first use: CI starts clean, a
	 * developer's PostgreSQL would otherwise grow by about 2 GB a run. A database someone
	 * is still connected to is kept. Housekeeping: errors are ignored.
	 * @param considered which databases to look at (a test's own)
	 * @return the names dropped
	 */
	static List<String> dropLeftBehind(String adminUrl, Instant now, Predicate<String> considered) {
		List<String> dropped = new ArrayList<>();
		String cutoff = HOUR.format(now.minus(LEFT_BEHIND_AFTER));
		try (Connection connection = DriverManager.getConnection(adminUrl, "postgres", superuserPassword());
				Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_advisory_lock(" + SWEEP_LOCK + ")");
			List<String> names = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery("SELECT datname FROM pg_database")) {
				while (rows.next()) {
					if (considered.test(rows.getString(1))) {
						names.add(rows.getString(1));
					}
				}
			}
			for (String name : names) {
				if (dropped.size() == DROPS_PER_SWEEP) {
					break;
				}
				Matcher dated = TEST_DATABASE.matcher(name);
				boolean leftBehind = dated.matches() ? dated.group(1).compareTo(cutoff) < 0
						: UNDATED_TEST_DATABASE.matcher(name).matches();
				if (leftBehind) {
					try {
						statement.execute("DROP DATABASE IF EXISTS " + name);
						dropped.add(name);
					}
					catch (SQLException ex) {
						// In use: kept.
					}
				}
			}
		}
		catch (SQLException ex) {
			// The tests do not depend on it.
		}
		return dropped;
	}

	/**
	 * Waits until this many sessions of the database wait for a lock (for tests that hold
	 * rows so that requests meet at them). Asked on a connection of its own: within a
	 * transaction, {@code pg_stat_activity} is read once.
	 */
	public static void awaitLockWaiters(DataSource database, int sessions) throws Exception {
		awaitLockWaiters(database, sessions, "%", Duration.ofSeconds(10));
	}

	/**
	 * Waits until this many sessions of the database wait for a lock in a statement
	 * matching {@code statementLike} (SQL {@code LIKE}), for at most {@code within}.
	 */
	public static void awaitLockWaiters(DataSource database, int sessions, String statementLike, Duration within)
			throws Exception {
		long deadline = System.nanoTime() + within.toNanos();
		try (Connection connection = database.getConnection();
				PreparedStatement waiting = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity "
						+ "WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE ?")) {
			waiting.setString(1, statementLike);
			while (true) {
				try (ResultSet count = waiting.executeQuery()) {
					count.next();
					if (count.getInt(1) >= sessions) {
						return;
					}
				}
				if (System.nanoTime() > deadline) {
					throw new AssertionError(sessions + " sessions never waited for a lock");
				}
				Thread.sleep(20);
			}
		}
	}

	/**
	 * The superuser's password on the test PostgreSQL: none on the machine's (trust on
	 * the loopback interface, as on CI), the embedded server's own otherwise.
	 */
	public static synchronized String superuserPassword() {
		return (embeddedPostgres != null) ? embeddedPostgres.password() : "";
	}

	/** The URL of a Redis for the tests; callers keep apart with their own key prefix. */
	public static synchronized String redisUrl() {
		if (redisUrl == null) {
			if (reachable(6379)) {
				redisUrl = "redis://127.0.0.1:6379";
			}
			else {
				int port = freePort();
				try {
					embeddedRedis = new RedisServer(port);
					embeddedRedis.start();
				}
				catch (IOException ex) {
					throw new IllegalStateException("Cannot start embedded Redis", ex);
				}
				Runtime.getRuntime().addShutdownHook(new Thread(() -> {
					try {
						embeddedRedis.stop();
					}
					catch (IOException ex) {
						// JVM is exiting.
					}
				}));
				redisUrl = "redis://127.0.0.1:" + port;
			}
		}
		return redisUrl;
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A new directory that other users may enter (the embedded PostgreSQL runs as nobody
	 * under root).
	 */
	public static Path tempDirectory(String prefix) {
		try {
			return Files.createTempDirectory(prefix,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
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

}
