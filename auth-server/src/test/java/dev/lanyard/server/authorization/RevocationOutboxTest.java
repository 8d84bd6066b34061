package dev.lanyard.server.authorization;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import dev.lanyard.server.RepositorySliceTest;
import dev.lanyard.server.authorization.RevocationOutbox.Revocation;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The revocation outbox: rows in the order recorded, split at
 * {@link RevocationOutbox#MAXIMUM_PER_MESSAGE}, pending until both relayed to the cache
 * and published, claimed by one node at a time.
 */
@RepositorySliceTest
class RevocationOutboxTest {

	@Autowired
	private RevocationOutbox outbox;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Test
	void withIdsAndIdsBetweenWhenAskedThenOnlyVisibleRows() {
		long before = this.outbox.lastId();
		this.outbox.add(List.of("w1"), List.of(), "logout", true);
		this.outbox.add(List.of("w2"), List.of(), "logout", true);
		long last = this.outbox.lastId();
		assertThat(this.outbox.idsBetween(before, last)).hasSize(2).last().isEqualTo(last);
		assertThat(this.outbox.withIds(List.of(last, last + 1000))).extracting(Revocation::id).containsExactly(last);
		assertThat(this.outbox.withIds(List.of())).isEmpty();
	}

	@Test
	void addWhenRecordedThenReadBackInOrderWithFlags() {
		long before = this.outbox.lastId();
		this.outbox.add(List.of("h1", "h2"), List.of("s1"), "user_locked", true);
		this.outbox.add(List.of("h3"), List.of(), "client_deleted", false);

		List<Revocation> rows = this.outbox.after(before, 10);
		assertThat(rows).hasSize(2);
		assertThat(rows.get(0).tokenHashes()).containsExactly("h1", "h2");
		assertThat(rows.get(0).sessionIds()).containsExactly("s1");
		assertThat(rows.get(0).reason()).isEqualTo("user_locked");
		assertThat(rows.get(0).cacheApplied()).isTrue();
		assertThat(rows.get(0).published()).isFalse();
		assertThat(rows.get(1).tokenHashes()).containsExactly("h3");
		assertThat(rows.get(1).sessionIds()).isEmpty();
		assertThat(rows.get(1).reason()).isEqualTo("client_deleted");
		assertThat(rows.get(1).cacheApplied()).isFalse();
		assertThat(rows.get(1).id()).isGreaterThan(rows.get(0).id());
		assertThat(this.outbox.lastId()).isEqualTo(rows.get(1).id());
	}

	@Test
	void addWhenNothingToNameThenOneEmptyRow() {
		long before = this.outbox.lastId();
		this.outbox.add(List.of(), List.of(), "logout", true);

		assertThat(this.outbox.after(before, 10)).singleElement().satisfies((row) -> {
			assertThat(row.tokenHashes()).isEmpty();
			assertThat(row.sessionIds()).isEmpty();
		});
	}

	@Test
	void addWhenMoreThanOneMessageHoldsThenSplitInOrder() {
		long before = this.outbox.lastId();
		List<String> hashes = values("h", 2 * RevocationOutbox.MAXIMUM_PER_MESSAGE + 1);
		List<String> sessions = values("s", RevocationOutbox.MAXIMUM_PER_MESSAGE + 1);

		this.outbox.add(hashes, sessions, "client_disabled", false);

		List<Revocation> rows = this.outbox.after(before, 10);
		assertThat(rows).hasSize(3).allSatisfy((row) -> {
			assertThat(row.reason()).isEqualTo("client_disabled");
			assertThat(row.cacheApplied()).isFalse();
		});
		assertThat(rows.get(0).tokenHashes()).isEqualTo(hashes.subList(0, 1000));
		assertThat(rows.get(1).tokenHashes()).isEqualTo(hashes.subList(1000, 2000));
		assertThat(rows.get(2).tokenHashes()).containsExactly("h2000");
		assertThat(rows.get(0).sessionIds()).isEqualTo(sessions.subList(0, 1000));
		assertThat(rows.get(1).sessionIds()).containsExactly("s1000");
		assertThat(rows.get(2).sessionIds()).isEmpty();
	}

	@Test
	void addWhenSessionsOutnumberTokensThenSplitBySessions() {
		long before = this.outbox.lastId();

		this.outbox.add(List.of("h0"), values("s", RevocationOutbox.MAXIMUM_PER_MESSAGE + 2), "logout", true);

		List<Revocation> rows = this.outbox.after(before, 10);
		assertThat(rows).hasSize(2);
		assertThat(rows.get(0).tokenHashes()).containsExactly("h0");
		assertThat(rows.get(1).tokenHashes()).isEmpty();
		assertThat(rows.get(1).sessionIds()).containsExactly("s1000", "s1001");
	}

	@Test
	void afterWhenLimitedThenOldestFirstUpToLimit() {
		long before = this.outbox.lastId();
		for (int i = 0; i < 5; i++) {
			this.outbox.add(List.of("h" + i), List.of(), "r" + i, true);
		}

		List<Revocation> first = this.outbox.after(before, 2);
		assertThat(first).extracting(Revocation::reason).containsExactly("r0", "r1");
		assertThat(this.outbox.after(first.get(1).id(), 10)).extracting(Revocation::reason)
			.containsExactly("r2", "r3", "r4");
		assertThat(this.outbox.after(this.outbox.lastId(), 10)).isEmpty();
	}

	@Test
	void lastIdWhenEmptyThenZero() {
		assertThat(this.outbox.lastId()).isZero();
	}

	@Test
	void claimPendingWhenRowsPartlyRelayedThenThoseNotFullyRelayedInOrder() {
		this.outbox.add(List.of("done"), List.of(), "done", true);
		this.outbox.add(List.of("cache-only"), List.of(), "cache-only", true);
		this.outbox.add(List.of("published-only"), List.of(), "published-only", false);
		this.outbox.add(List.of("neither"), List.of(), "neither", false);
		List<Revocation> all = this.outbox.after(0, 10);
		this.outbox.relayed(all.get(0).id(), true, true);
		this.outbox.relayed(all.get(2).id(), false, true);

		assertThat(this.outbox.claimPending(10)).extracting(Revocation::reason)
			.containsExactly("cache-only", "published-only", "neither");
		assertThat(this.outbox.claimPending(2)).extracting(Revocation::reason)
			.containsExactly("cache-only", "published-only");
		assertThat(this.outbox.after(0, 10).get(2).published()).isTrue();
		assertThat(this.outbox.after(0, 10).get(2).cacheApplied()).isFalse();
	}

	@Test
	void cacheBehindWhenSomeRowNotAppliedToCacheThenTrue() {
		assertThat(this.outbox.cacheBehind()).isFalse();
		this.outbox.add(List.of("h"), List.of(), "published-later", true);
		assertThat(this.outbox.cacheBehind()).as("published or not, the cache holds it").isFalse();

		this.outbox.add(List.of("h2"), List.of(), "cache-later", false);
		assertThat(this.outbox.cacheBehind()).isTrue();

		this.outbox.relayed(this.outbox.lastId(), true, false);
		assertThat(this.outbox.cacheBehind()).isFalse();
	}

	@Test
	void purgeRelayedBeforeWhenFullyRelayedAndOldThenDeleted() {
		this.outbox.add(List.of("relayed"), List.of(), "relayed", true);
		this.outbox.add(List.of("unpublished"), List.of(), "unpublished", true);
		this.outbox.add(List.of("not-in-cache"), List.of(), "not-in-cache", false);
		List<Revocation> all = this.outbox.after(0, 10);
		this.outbox.relayed(all.get(0).id(), true, true);
		this.outbox.relayed(all.get(2).id(), false, true);
		Instant now = this.jdbc.sql("SELECT now()").query(Timestamp.class).single().toInstant();

		assertThat(this.outbox.purgeRelayedBefore(now)).as("created at the cutoff is not before it").isZero();
		assertThat(this.outbox.purgeRelayedBefore(now.plus(Duration.ofMinutes(1)))).isEqualTo(1);
		assertThat(this.outbox.after(0, 10)).extracting(Revocation::reason)
			.containsExactly("unpublished", "not-in-cache");
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void claimPendingWhenAnotherTransactionHoldsRowsThenSkipsThem() {
		try {
			this.outbox.add(List.of("first"), List.of(), "first", false);
			this.outbox.add(List.of("second"), List.of(), "second", false);
			this.outbox.add(List.of("third"), List.of(), "third", false);
			TransactionTemplate node = new TransactionTemplate(this.transactionManager);
			TransactionTemplate otherNode = new TransactionTemplate(this.transactionManager);
			otherNode.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			node.executeWithoutResult((status) -> {
				assertThat(this.outbox.claimPending(1)).extracting(Revocation::reason).containsExactly("first");
				otherNode.executeWithoutResult(
						(other) -> assertThat(this.outbox.claimPending(10)).extracting(Revocation::reason)
							.containsExactly("second", "third"));
			});
			assertThat(this.outbox.claimPending(10)).as("released at commit")
				.extracting(Revocation::reason)
				.containsExactly("first", "second", "third");
		}
		finally {
			this.jdbc.sql("DELETE FROM revocation_outbox").update();
		}
	}

	private static List<String> values(String prefix, int count) {
		return IntStream.range(0, count).mapToObj((i) -> prefix + i).toList();
	}

}
