package dev.lanyard.server.client;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.lanyard.server.AlreadyExistsException;
import dev.lanyard.server.SharedLanyard;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client registration rules that need the database's word, not only the check before it.
 */
class ClientServiceTest {

	private final ClientService clients = SharedLanyard.server().bean(ClientService.class);

	private final TransactionTemplate transactions = SharedLanyard.server().bean(TransactionTemplate.class);

	private final JdbcTemplate jdbc = new JdbcTemplate(SharedLanyard.server().bean(DataSource.class));

	/**
	 * Two registrations of one client id at once: both pass the existence check, the
	 * unique index decides, and the loser gets the same answer as a late registration (a
	 * conflict), not a server error.
	 */
	@Test
	void registerWhenSameClientIdRegisteredConcurrentlyThenSecondIsAlreadyExists() throws Exception {
		String clientId = "race-" + UUID.randomUUID();
		ClientRegistration registration = new ClientRegistration(clientId, null, false, null, null, null, null,
				List.of(), List.of(), Set.of("client_credentials"), Set.of(), null, null, null, null, null, List.of(),
				false, null);
		CountDownLatch inserted = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		CompletableFuture<Void> first = CompletableFuture
			.runAsync(() -> this.transactions.executeWithoutResult((tx) -> {
				this.clients.register(registration);
				inserted.countDown();
				await(commit);
			}));
		assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();

		CompletableFuture<ClientService.ClientWithSecret> second = CompletableFuture
			.supplyAsync(() -> this.clients.register(registration));
		awaitBlockedOnTheUniqueIndex();
		commit.countDown();
		first.get(10, TimeUnit.SECONDS);

		assertThat(second).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(AlreadyExistsException.class);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM oauth_clients WHERE client_id = ?", Integer.class,
				clientId))
			.isEqualTo(1);
	}

	private void awaitBlockedOnTheUniqueIndex() throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			Integer waiting = this.jdbc.queryForObject(
					"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
					Integer.class);
			if (waiting != null && waiting > 0) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("the second registration never waited for the first");
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
