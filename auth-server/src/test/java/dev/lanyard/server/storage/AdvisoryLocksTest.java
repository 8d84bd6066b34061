package dev.lanyard.server.storage;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.lanyard.server.RepositorySliceTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The advisory locks that serialise key management and the bootstrap import across nodes:
 * held by one transaction at a time, released when it ends however it ends.
 */
@RepositorySliceTest
class AdvisoryLocksTest {

	/** PostgreSQL's SQL state for a lock wait given up ({@code lock_timeout}). */
	private static final String LOCK_NOT_AVAILABLE = "55P03";

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Test
	void lockForTransactionWhenAnotherTransactionHoldsItThenNotGranted() {
		AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.jdbc);
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> inOtherTransaction(AdvisoryLocks.KEY_MANAGEMENT))
			.satisfies((ex) -> assertThat(ex.getMostSpecificCause()).isInstanceOf(SQLException.class)
				.extracting((cause) -> ((SQLException) cause).getSQLState())
				.isEqualTo(LOCK_NOT_AVAILABLE));
	}

	@Test
	void lockForTransactionWhenAnotherLockIsHeldThenGranted() {
		AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.jdbc);
		inOtherTransaction(AdvisoryLocks.BOOTSTRAP_IMPORT);
		assertThat(heldAdvisoryLocks()).isEqualTo(1);
	}

	@Test
	void lockForTransactionWhenSameTransactionAsksAgainThenGranted() {
		AdvisoryLocks.BOOTSTRAP_IMPORT.lockForTransaction(this.jdbc);
		AdvisoryLocks.BOOTSTRAP_IMPORT.lockForTransaction(this.jdbc);
		assertThat(heldAdvisoryLocks()).isEqualTo(1);
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void lockForTransactionWhenHolderRollsBackThenReleased() {
		TransactionTemplate holder = new TransactionTemplate(this.transactionManager);
		holder.executeWithoutResult((status) -> {
			AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.jdbc);
			status.setRollbackOnly();
		});
		inOtherTransaction(AdvisoryLocks.KEY_MANAGEMENT);
		assertThat(heldAdvisoryLocks()).isZero();
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void lockForTransactionWhenHeldThenWaitsForTheHolderToCommit() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch held = new CountDownLatch(1);
			CountDownLatch commit = new CountDownLatch(1);
			TransactionTemplate transaction = new TransactionTemplate(this.transactionManager);
			Future<?> holder = threads.submit(() -> transaction.executeWithoutResult((status) -> {
				AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.jdbc);
				held.countDown();
				awaitLatch(commit);
			}));
			awaitLatch(held);
			Future<?> waiter = threads.submit(() -> transaction
				.executeWithoutResult((status) -> AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.jdbc)));
			try {
				await().atMost(Duration.ofSeconds(5)).until(() -> waitingForAdvisoryLock() == 1);
				assertThat(waiter).isNotDone();
			}
			finally {
				commit.countDown();
			}
			holder.get(5, TimeUnit.SECONDS);
			waiter.get(5, TimeUnit.SECONDS);
			assertThat(heldAdvisoryLocks()).isZero();
		}
		finally {
			threads.shutdownNow();
		}
	}

	/**
	 * Takes the lock in a transaction of its own, giving up after 100 ms of waiting (SQL
	 * state {@value #LOCK_NOT_AVAILABLE}).
	 */
	private void inOtherTransaction(AdvisoryLocks lock) {
		TransactionTemplate other = new TransactionTemplate(this.transactionManager);
		other.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		other.executeWithoutResult((status) -> {
			this.jdbc.sql("SET LOCAL lock_timeout = '100ms'").update();
			lock.lockForTransaction(this.jdbc);
		});
	}

	private long heldAdvisoryLocks() {
		return advisoryLocks(true);
	}

	private long waitingForAdvisoryLock() {
		return advisoryLocks(false);
	}

	/** Lanyard's advisory locks in this database, held or waited for. */
	private long advisoryLocks(boolean granted) {
		return this.jdbc.sql("""
				SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted = ? AND objid::bigint IN (?, ?)
				  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""")
			.params(granted, 7163001L, 7163002L)
			.query(Long.class)
			.single();
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
