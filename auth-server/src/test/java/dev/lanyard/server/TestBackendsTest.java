package dev.lanyard.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The test databases earlier runs left behind are dropped; this run's are not. */
class TestBackendsTest {

	@Test
	void dropLeftBehindWhenDatabasesOfAnEarlierRunThenDroppedAndThoseOfThisRunOrInUseKept() throws SQLException {
		String current = TestBackends.newDatabase();
		String adminUrl = current.substring(0, current.lastIndexOf('/') + 1) + "postgres";
		Assumptions.assumeTrue(adminUrl.startsWith("jdbc:postgresql://127.0.0.1:5432/"),
				"only the machine's PostgreSQL keeps databases from one run to the next");
		String earlierRun = "lanyard_test_2000010100_0123456789ab";
		String undated = "lanyard_test_0123456789abcdef";
		String earlierInUse = "lanyard_test_2000010100_ba9876543210";
		String notATestDatabase = "lanyard_keep_2000010100_0123456789ab";
		try (Connection admin = DriverManager.getConnection(adminUrl, "postgres", TestBackends.superuserPassword())) {
			// The sweeps of this run's test JVMs wait while the databases are made.
			admin.createStatement().execute("SELECT pg_advisory_lock(" + TestBackends.SWEEP_LOCK + ")");
			for (String name : List.of(earlierRun, undated, earlierInUse, notATestDatabase)) {
				admin.createStatement().execute("DROP DATABASE IF EXISTS " + name);
				admin.createStatement().execute("CREATE DATABASE " + name);
			}
			try (Connection open = DriverManager.getConnection(adminUrl.replace("/postgres", "/" + earlierInUse),
					"postgres", TestBackends.superuserPassword())) {
				admin.createStatement().execute("SELECT pg_advisory_unlock(" + TestBackends.SWEEP_LOCK + ")");

				String currentName = current.substring(current.lastIndexOf('/') + 1);
				List<String> mine = List.of(earlierRun, undated, earlierInUse, notATestDatabase, currentName);
				List<String> dropped = TestBackends.dropLeftBehind(adminUrl, Instant.now(), mine::contains);

				assertThat(dropped).doesNotContain(earlierInUse, notATestDatabase, currentName);
				// Dropped by this sweep or by another test JVM's.
				assertThat(databases(admin, earlierRun, undated, earlierInUse, notATestDatabase))
					.containsExactlyInAnyOrder(earlierInUse, notATestDatabase);
			}
			// Once closed, a sweep still running may drop it first.
			admin.createStatement().execute("DROP DATABASE IF EXISTS " + earlierInUse);
			admin.createStatement().execute("DROP DATABASE " + notATestDatabase);
		}
	}

	private static List<String> databases(Connection admin, String... names) throws SQLException {
		List<String> found = new ArrayList<>();
		try (var rows = admin.createStatement()
			.executeQuery("SELECT datname FROM pg_database WHERE datname IN ('" + String.join("', '", names) + "')")) {
			while (rows.next()) {
				found.add(rows.getString(1));
			}
		}
		return found;
	}

}
