package dev.lanyard.server.authorization;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.lanyard.server.RepositorySliceTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.lanyard.server.authorization.TestStoredAuthorizations.grant;
import static dev.lanyard.server.authorization.TestStoredAuthorizations.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Group commit of new grant rows against the real PostgreSQL: rows that arrive while a
 * group is written are committed together, each caller returns only once its row is
 * committed, and one bad row or an unreachable database fails exactly the rows it should.
 * The first writer is held by an uncommitted row with the same id in another connection,
 * so the rows behind it are certain to queue.
 */
@RepositorySliceTest
@Transactional(propagation = Propagation.NOT_SUPPORTED)
class GroupedInsertsTest {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

	@Autowired
	private JdbcAuthorizationRows rows;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private DataSource dataSource;

	@Autowired
	private PlatformTransactionManager transactionManager;

	private final CountingTransactions transactions = new CountingTransactions();

	private final ExecutorService callers = Executors.newFixedThreadPool(8);

	@AfterEach
	void deleteRows() {
		this.callers.shutdownNow();
		this.jdbc.sql("DELETE FROM oauth_authorizations WHERE id LIKE 'grouped-%'").update();
	}

	@Test
	void insertWhenRowsArriveWhileAGroupIsWrittenThenTheyAreCommittedTogether() throws Exception {
		GroupedInserts inserts = new GroupedInserts(this.rows, this.transactions);
		List<Future<?>> calls = new ArrayList<>();
		try (Connection blocker = holdId("grouped-first")) {
			calls.add(this.callers.submit(() -> inserts.insert(row("grouped-first"))));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.transactions.begun.get() == 1);
			for (int i = 0; i < 5; i++) {
				String id = "grouped-" + i;
				calls.add(this.callers.submit(() -> inserts.insert(row(id))));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> inserts.waiting() == 5);
			assertThat(count()).isZero();
			blocker.rollback();
		}
		for (Future<?> call : calls) {
			call.get(10, TimeUnit.SECONDS);
		}
		assertThat(count()).isEqualTo(6);
		assertThat(this.transactions.begun).as("the first row alone, then the five that queued behind it").hasValue(2);
	}

	@Test
	void insertWhenOneRowOfAGroupBreaksAConstraintThenOnlyThatRowFails() throws Exception {
		GroupedInserts inserts = new GroupedInserts(this.rows, this.transactions);
		inserts.insert(row("grouped-existing"));
		Future<?> first;
		Future<?> good;
		Future<?> duplicate;
		Future<?> alsoGood;
		try (Connection blocker = holdId("grouped-first")) {
			first = this.callers.submit(() -> inserts.insert(row("grouped-first")));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.transactions.begun.get() == 2);
			good = this.callers.submit(() -> inserts.insert(row("grouped-good")));
			await().atMost(Duration.ofSeconds(5)).until(() -> inserts.waiting() == 1);
			duplicate = this.callers.submit(() -> inserts.insert(row("grouped-existing")));
			await().atMost(Duration.ofSeconds(5)).until(() -> inserts.waiting() == 2);
			alsoGood = this.callers.submit(() -> inserts.insert(row("grouped-also-good")));
			await().atMost(Duration.ofSeconds(5)).until(() -> inserts.waiting() == 3);
			blocker.rollback();
		}
		first.get(10, TimeUnit.SECONDS);
		good.get(10, TimeUnit.SECONDS);
		alsoGood.get(10, TimeUnit.SECONDS);
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(DuplicateKeyException.class);
		assertThat(ids()).containsExactlyInAnyOrder("grouped-existing", "grouped-first", "grouped-good",
				"grouped-also-good");
	}

	@Test
	void insertWhenTheDatabaseCannotBeReachedThenEveryRowOfTheGroupFailsAndNoneIsWritten() throws Exception {
		GroupedInserts inserts = new GroupedInserts(this.rows, this.transactions);
		List<Future<?>> queued = new ArrayList<>();
		Future<?> first;
		try (Connection blocker = holdId("grouped-first")) {
			first = this.callers.submit(() -> inserts.insert(row("grouped-first")));
			await().atMost(Duration.ofSeconds(5)).until(() -> this.transactions.begun.get() == 1);
			for (int i = 0; i < 3; i++) {
				String id = "grouped-" + i;
				queued.add(this.callers.submit(() -> inserts.insert(row(id))));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> inserts.waiting() == 3);
			// The next transaction cannot start, as when PostgreSQL is unreachable.
			this.transactions.unreachable.set(true);
			blocker.rollback();
		}
		first.get(10, TimeUnit.SECONDS);
		for (Future<?> call : queued) {
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> call.get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(CannotCreateTransactionException.class);
		}
		// Not retried row by row: that would have written them.
		assertThat(ids()).containsExactly("grouped-first");
	}

	@Test
	void insertWhenTheCallerIsInATransactionThenTheRowIsPartOfIt() {
		GroupedInserts inserts = new GroupedInserts(this.rows, this.transactions);
		new TransactionTemplate(this.transactionManager).executeWithoutResult((status) -> {
			inserts.insert(row("grouped-in-transaction"));
			status.setRollbackOnly();
		});
		assertThat(count()).isZero();
		assertThat(this.transactions.begun).hasValue(0);
	}

	/**
	 * A connection holding an uncommitted row with this id: an insert of the same id
	 * waits for it, and succeeds once it is rolled back.
	 */
	private Connection holdId(String id) throws Exception {
		Connection connection = this.dataSource.getConnection();
		connection.setAutoCommit(false);
		try (var statement = connection.prepareStatement("""
				INSERT INTO oauth_authorizations (id, registered_client_id, principal_name, grant_type)
				VALUES (?, 'client', 'holder', 'client_credentials')""")) {
			statement.setString(1, id);
			statement.executeUpdate();
		}
		return connection;
	}

	private static StoredAuthorization row(String id) {
		return grant(NOW).id(id).accessToken(token("token-of-" + id, NOW.plus(Duration.ofMinutes(5)))).build();
	}

	private int count() {
		return this.jdbc.sql("SELECT count(*) FROM oauth_authorizations WHERE id LIKE 'grouped-%'")
			.query(Integer.class)
			.single();
	}

	private List<String> ids() {
		return this.jdbc.sql("SELECT id FROM oauth_authorizations WHERE id LIKE 'grouped-%'")
			.query(String.class)
			.list();
	}

	/**
	 * Real transactions on the slice's transaction manager, counted; when
	 * {@link #unreachable}, a new one fails to start as the manager fails without a
	 * connection.
	 */
	private final class CountingTransactions implements TransactionOperations {

		private final AtomicInteger begun = new AtomicInteger();

		private final AtomicBoolean unreachable = new AtomicBoolean();

		@Override
		public <T> T execute(TransactionCallback<T> action) throws TransactionException {
			this.begun.incrementAndGet();
			if (this.unreachable.get()) {
				throw new CannotCreateTransactionException("Could not open JDBC Connection for transaction");
			}
			return new TransactionTemplate(GroupedInsertsTest.this.transactionManager).execute(action);
		}

	}

}
