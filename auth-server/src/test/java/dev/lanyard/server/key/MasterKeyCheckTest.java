package dev.lanyard.server.key;

import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.lanyard.server.authorization.RevocationOutbox;
import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBackends;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node never starts with a master key other than the one the database's signing keys
 * are sealed with: its keys would be sealed with one the others cannot open.
 */
class MasterKeyCheckTest {

	private static final String OTHER_MASTER_KEY = "another-master-key-that-is-long-enough-987654321";

	@Test
	void startWhenAnotherMasterKeyThanTheDatabasesThenStopsSayingSo() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		LanyardTestServer.start(deployment).close();
		deployment.put("lanyard.master-key", OTHER_MASTER_KEY);
		assertThatThrownBy(() -> LanyardTestServer.start(deployment).close())
			.hasStackTraceContaining("LANYARD_MASTER_KEY is not the key this database's signing keys were sealed with");
	}

	/**
	 * Two nodes starting at once on a new database, each with its own master key (their
	 * reads of the check held here until both wait): one starts, the other stops. Both
	 * used to start (each found no check yet and wrote its own), and one then sealed the
	 * signing keys with a key the check disagreed with.
	 */
	@Test
	void startWhenTwoNodesWithDifferentMasterKeysAtOnceOnANewDatabaseThenOneOnly() throws Exception {
		DataSource database = new DriverManagerDataSource(TestBackends.newMigratedDatabase(), "postgres",
				TestBackends.superuserPassword());
		LanyardProperties properties = SharedLanyard.server().bean(LanyardProperties.class);
		List<CompletableFuture<Throwable>> starts = new ArrayList<>();
		try (Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			holder.createStatement().execute("LOCK TABLE master_key_check IN ACCESS EXCLUSIVE MODE");
			for (String secret : List.of(LanyardTestServer.MASTER_KEY, OTHER_MASTER_KEY)) {
				SigningKeyService keys = new SigningKeyService(
						new JdbcSigningKeyRepository(JdbcClient.create(database), database),
						MasterKey.fromSecret(secret),
						new TransactionTemplate(new DataSourceTransactionManager(database)), Clock.systemUTC(),
						properties, new RevocationOutbox(JdbcClient.create(database)));
				starts.add(CompletableFuture.supplyAsync(() -> {
					try {
						keys.afterPropertiesSet();
						return null;
					}
					catch (RuntimeException ex) {
						return ex;
					}
				}));
			}
			TestBackends.awaitLockWaiters(database, 2);
			holder.rollback();
		}
		List<Throwable> outcomes = new ArrayList<>();
		for (CompletableFuture<Throwable> start : starts) {
			outcomes.add(start.get(60, TimeUnit.SECONDS));
		}
		assertThat(outcomes).filteredOn(Objects::isNull).hasSize(1);
		assertThat(outcomes).filteredOn(Objects::nonNull)
			.singleElement()
			.satisfies((refused) -> assertThat(refused).hasMessageContaining("LANYARD_MASTER_KEY is not the key"));
	}

}
