package dev.lanyard.server.user;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * HD-03 on upgrade: accounts created before canonical login names get theirs from
 * migration 8.1, and two accounts that turn out to be one name stop the upgrade with a
 * message that names them.
 */
class LoginNameMigrationTest {

	@Test
	void migrationWhenAccountsExistThenCanonicalNamesFilledAndSignInWorks() throws SQLException {
		String database = TestBackends.newDatabase();
		migrateTo(database, "7");
		String hash = PasswordHashing.argon2id().encode("amber-quilt-falcon-73");
		insertUser(database, "Ölaf", "{argon2}" + hash);
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("spring.datasource.url", database);
		try (LanyardTestServer server = LanyardTestServer.start(deployment)) {
			assertThat(server.bean(JdbcUserAccountRepository.class).findByLoginName("ÖLAF")).isPresent();
			OAuthFlows flows = new OAuthFlows(server.baseUrl());
			assertThat(TestBrowser.location(flows.signIn(new TestBrowser(), "ölaf", "amber-quilt-falcon-73")))
				.doesNotContain("error");
		}
	}

	@Test
	void migrationWhenTwoAccountsAreOneCanonicalNameThenStopsNamingThem() throws SQLException {
		String database = TestBackends.newDatabase();
		migrateTo(database, "7");
		// Distinct under the old lower(username) index, one name once case-folded (ß →
		// ss).
		insertUser(database, "straße", "{noop}unused");
		insertUser(database, "STRASSE", "{noop}unused");
		assertThatExceptionOfType(FlywayException.class)
			.isThrownBy(() -> Flyway.configure()
				.dataSource(database, "postgres", TestBackends.superuserPassword())
				.locations("classpath:db/migration")
				.javaMigrations(new LoginNameMigration())
				.load()
				.migrate())
			.satisfies((ex) -> assertThat(ex).hasStackTraceContaining("straße")
				.hasStackTraceContaining("STRASSE")
				.hasStackTraceContaining("rename one of them"));
	}

	private static void migrateTo(String database, String version) {
		Flyway.configure()
			.dataSource(database, "postgres", TestBackends.superuserPassword())
			.locations("classpath:db/migration")
			.target(version)
			.load()
			.migrate();
	}

	private static void insertUser(String database, String username, String passwordHash) throws SQLException {
		try (Connection connection = DriverManager.getConnection(database, "postgres",
				TestBackends.superuserPassword())) {
			var insert = connection
				.prepareStatement("INSERT INTO users (id, username, password_hash) VALUES (gen_random_uuid(), ?, ?)");
			insert.setString(1, username);
			insert.setString(2, passwordHash);
			insert.executeUpdate();
		}
	}

}
