package dev.lanyard.server.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import dev.lanyard.server.TestBackends;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded PostgreSQL, started for real from its packaged binaries. */
class EmbeddedPostgresServerTest {

	/**
	 * Any user of the machine can reach the loopback port: only the superuser's password,
	 * kept owner-only beside the data directory, lets anyone in. A cluster made before
	 * (trust, no password kept) is given a password at its next start. The superuser used
	 * to be open to every local process without one.
	 */
	@Test
	void serverWhenStartedThenOnlyTheKeptPasswordLetsIn() throws Exception {
		// Run as root, the server's user must be able to enter it.
		Path data = TestBackends.tempDirectory("lanyard-embedded-pg-test");
		Path cluster = data.resolve("postgres");
		String first;
		try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(cluster)) {
			first = server.password();
			assertRefusedWithout(server);
			assertThat(Files.getPosixFilePermissions(data.resolve("postgres.password")))
				.isEqualTo(PosixFilePermissions.fromString("rw-------"));
		}
		try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(cluster)) {
			assertThat(again.password()).as("kept across restarts").isEqualTo(first);
			assertRefusedWithout(again);
		}

		// A cluster of before: open to all on the loopback interface, no password kept.
		Files.delete(data.resolve("postgres.password"));
		Files.writeString(cluster.resolve("pg_hba.conf"), "host all all 127.0.0.1/32 trust\n");
		try (EmbeddedPostgresServer upgraded = EmbeddedPostgresServer.start(cluster)) {
			assertThat(upgraded.password()).isNotEqualTo(first);
			assertRefusedWithout(upgraded);
		}
	}

	private static void assertRefusedWithout(EmbeddedPostgresServer server) throws SQLException {
		for (String guess : new String[] { "", "postgres" }) {
			assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(), "postgres", guess).close())
				.isInstanceOf(SQLException.class);
		}
		try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), "postgres", server.password())) {
			assertThat(connection.isValid(2)).isTrue();
		}
	}

}
