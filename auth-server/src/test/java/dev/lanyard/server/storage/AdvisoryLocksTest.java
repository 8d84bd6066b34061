package dev.lanyard.server.storage;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.server.RepositorySliceTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
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

	@Autowired
	private DataSource dataSource;

	@Test
	void lockForTransactionWhenAnotherTransactionHoldsItThenNotGranted() {
		AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.dataSource);
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> inOtherTransaction(AdvisoryLocks.KEY_MANAGEMENT))
			.satisfies((ex) -> assertThat(ex.getMostSpecificCause()).isInstanceOf(SQLException.class)
				.extracting((cause) -> ((SQLException) cause).getSQLState())
				.isEqualTo(LOCK_NOT_AVAILABLE));
	}

	/**
	 * Trying never waits: refused at once while another transaction holds the lock (a
	 * node doing key work), granted when it is free.
	 */
	@Test
	void tryLockForTransactionWhenAnotherTransactionHoldsItThenRefusedAtOnce() {
		AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.dataSource);
		TransactionTemplate other = new TransactionTemplate(this.transactionManager);
		other.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		Boolean held = other.execute((status) -> AdvisoryLocks.KEY_MANAGEMENT.tryLockForTransaction(this.dataSource));
		assertThat(held).isFalse();
		Boolean free = other.execute((status) -> AdvisoryLocks.BOOTSTRAP_IMPORT.tryLockForTransaction(this.dataSource));
		assertThat(free).isTrue();
	}

	@Test
	void lockForTransactionWhenAnotherLockIsHeldThenGranted() {
		AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.dataSource);
		inOtherTransaction(AdvisoryLocks.BOOTSTRAP_IMPORT);
		assertThat(heldAdvisoryLocks()).isEqualTo(1);
	}

	@Test
	void lockForTransactionWhenSameTransactionAsksAgainThenGranted() {
		AdvisoryLocks.BOOTSTRAP_IMPORT.lockForTransaction(this.dataSource);
		AdvisoryLocks.BOOTSTRAP_IMPORT.lockForTransaction(this.dataSource);
		assertThat(heldAdvisoryLocks()).isEqualTo(1);
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void lockForTransactionWhenHolderRollsBackThenReleased() {
		TransactionTemplate holder = new TransactionTemplate(this.transactionManager);
		holder.executeWithoutResult((status) -> {
			AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.dataSource);
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
				AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.dataSource);
				held.countDown();
				awaitLatch(commit);
			}));
			awaitLatch(held);
			Future<?> waiter = threads.submit(() -> transaction
				.executeWithoutResult((status) -> AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.dataSource)));
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
	 * A node waiting while another holds the lock (generating keys, hashing the bootstrap
	 * file's passwords) waits past its connection's short read timeout instead of failing
	 * to start, and the read timeout is back afterwards.
	 */
	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void lockForTransactionWhenHeldLongerThanTheReadTimeoutThenWaitsInsteadOfFailing() throws Exception {
		HikariDataSource shortTimeout = new HikariDataSource();
		shortTimeout.setJdbcUrl(((HikariDataSource) this.dataSource).getJdbcUrl());
		shortTimeout.setUsername("postgres");
		shortTimeout.setMaximumPoolSize(1);
		shortTimeout.addDataSourceProperty("socketTimeout", "1");
		ExecutorService threads = Executors.newFixedThreadPool(1);
		try {
			CountDownLatch held = new CountDownLatch(1);
			Future<?> holder = threads
				.submit(() -> new TransactionTemplate(this.transactionManager).executeWithoutResult((status) -> {
					AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.dataSource);
					held.countDown();
					sleep(Duration.ofMillis(2500));
				}));
			awaitLatch(held);
			long started = System.nanoTime();
			int readTimeoutAfter = new TransactionTemplate(new DataSourceTransactionManager(shortTimeout))
				.execute((status) -> {
					AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(shortTimeout);
					try {
						return DataSourceUtils.getConnection(shortTimeout).getNetworkTimeout();
					}
					catch (SQLException ex) {
						throw new IllegalStateException(ex);
					}
				});
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(1));
			assertThat(readTimeoutAfter).isEqualTo(1000);
			holder.get(5, TimeUnit.SECONDS);
		}
		finally {
			threads.shutdownNow();
			shortTimeout.close();
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
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
			lock.lockForTransaction(this.dataSource);
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
