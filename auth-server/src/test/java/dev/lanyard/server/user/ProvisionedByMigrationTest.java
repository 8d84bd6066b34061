package dev.lanyard.server.user;

import java.util.UUID;

import dev.lanyard.server.TestBackends;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On upgrade, accounts an identity provider's sign-in created before V33 are marked as
 * its own (linked at their creation, by a provider that creates users), so that the
 * bootstrap file does not take them over; accounts made here and linked later are not.
 */
class ProvisionedByMigrationTest {

	@Test
	void migrationWhenAccountsLinkedAtCreationThenMarkedAsTheProvidersOnly() {
		String database = TestBackends.newDatabase();
		TestBackends.migrate(database, "32");
		JdbcClient jdbc = JdbcClient
			.create(new DriverManagerDataSource(database, "postgres", TestBackends.superuserPassword()));
		jdbc.sql("""
				INSERT INTO identity_providers (id, display_name, issuer, client_id, create_users)
				VALUES ('corp', 'Corp', 'https://corp.example', 'lanyard', true),
				       ('partner', 'Partner', 'https://partner.example', 'lanyard', false)""").update();
		UUID provisioned = user(jdbc, "provisioned", "now()");
		UUID madeHere = user(jdbc, "made-here", "now() - INTERVAL '2 hours'");
		UUID linkedByPartner = user(jdbc, "partner-linked", "now()");
		link(jdbc, "corp", "s-1", provisioned);
		link(jdbc, "corp", "s-2", madeHere);
		link(jdbc, "partner", "s-3", linkedByPartner);

		TestBackends.migrate(database, null);

		assertThat(provisionedBy(jdbc, provisioned)).isEqualTo("corp");
		assertThat(provisionedBy(jdbc, madeHere)).isNull();
		assertThat(provisionedBy(jdbc, linkedByPartner)).isNull();
	}

	/**
	 * A rolling upgrade: V33 ran while nodes of the version before it went on creating
	 * accounts from upstream sign-ins, unmarked. The next migration marks them by the
	 * same rule.
	 */
	@Test
	void migrationWhenAccountsProvisionedByOlderNodesAfterV33ThenMarkedToo() {
		String database = TestBackends.newDatabase();
		TestBackends.migrate(database, "33");
		JdbcClient jdbc = JdbcClient
			.create(new DriverManagerDataSource(database, "postgres", TestBackends.superuserPassword()));
		jdbc.sql("""
				INSERT INTO identity_providers (id, display_name, issuer, client_id, create_users)
				VALUES ('corp', 'Corp', 'https://corp.example', 'lanyard', true)""").update();
		UUID byOlderNode = user(jdbc, "made-by-older-node", "now()");
		UUID madeHere = user(jdbc, "made-here", "now() - INTERVAL '2 hours'");
		link(jdbc, "corp", "s-1", byOlderNode);
		link(jdbc, "corp", "s-2", madeHere);

		TestBackends.migrate(database, null);

		assertThat(provisionedBy(jdbc, byOlderNode)).isEqualTo("corp");
		assertThat(provisionedBy(jdbc, madeHere)).isNull();
	}

	private static UUID user(JdbcClient jdbc, String username, String createdAt) {
		UUID id = UUID.randomUUID();
		jdbc.sql("INSERT INTO users (id, username, login_name, created_at) VALUES (?, ?, ?, " + createdAt + ")")
			.params(id, username, username)
			.update();
		return id;
	}

	private static void link(JdbcClient jdbc, String provider, String subject, UUID user) {
		jdbc.sql("INSERT INTO federated_identities (provider_id, subject, user_id) VALUES (?, ?, ?)")
			.params(provider, subject, user)
			.update();
	}

	private static String provisionedBy(JdbcClient jdbc, UUID user) {
		return jdbc.sql("SELECT provisioned_by FROM users WHERE id = ?")
			.param(user)
			.query((row, number) -> java.util.Optional.ofNullable(row.getString(1)))
			.single()
			.orElse(null);
	}

}
