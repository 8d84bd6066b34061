package dev.lanyard.server.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.server.RepositorySliceTest;
import dev.lanyard.server.audit.AuditLog.Event;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** The audit log: events as recorded, and the filters of the admin views. */
@RepositorySliceTest
class AuditLogTest {

	private static final Instant T0 = Instant.parse("2025-06-01T10:00:00.000001Z");

	@Autowired
	private AuditLog audit;

	@Autowired
	private JdbcClient jdbc;

	@Test
	void searchWhenRecordedThenEveryFieldAsWritten() {
		this.audit.record("admin-1", "user.updated", "user:alice", "203.0.113.7",
				Map.of("enabled", false, "roles", List.of("admin", "auditor"), "note", "ünïcode \"quoted\""));

		Event event = this.audit.search(null, null, null, null, 10, 0).get(0);
		assertThat(event.id()).isPositive();
		assertThat(event.occurredAt()).isEqualTo(transactionStart());
		assertThat(event.actor()).isEqualTo("admin-1");
		assertThat(event.action()).isEqualTo("user.updated");
		assertThat(event.target()).isEqualTo("user:alice");
		assertThat(event.clientAddress()).isEqualTo("203.0.113.7");
		assertThat(event.details()).containsExactlyInAnyOrderEntriesOf(
				Map.of("enabled", false, "roles", List.of("admin", "auditor"), "note", "ünïcode \"quoted\""));
	}

	@Test
	void recordWhenNoTargetAddressOrDetailsThenNullsAndEmptyDetails() {
		this.audit.record("system", "keys.rotated", null, null, Map.of());

		Event event = this.audit.search(null, null, null, null, 10, 0).get(0);
		assertThat(event.target()).isNull();
		assertThat(event.clientAddress()).isNull();
		assertThat(event.details()).isEmpty();
	}

	@Test
	void recordWhenValuesTooLongThenTruncatedToTheirColumns() {
		this.audit.record("a".repeat(250), "login.failed", "t".repeat(400), "1".repeat(80), Map.of());

		Event event = this.audit.search(null, null, null, null, 10, 0).get(0);
		assertThat(event.actor()).isEqualTo("a".repeat(200));
		assertThat(event.target()).isEqualTo("t".repeat(300));
		assertThat(event.clientAddress()).isEqualTo("1".repeat(64));
	}

	@Test
	@Transactional(propagation = Propagation.NOT_SUPPORTED)
	void recordWhenWriteFailsThenNothingThrownAndNothingWritten() {
		try {
			assertThatNoException().isThrownBy(() -> this.audit.record(null, "login.failed", null, null, Map.of()));
			assertThatNoException()
				.isThrownBy(() -> this.audit.record("system", "x".repeat(101), null, null, Map.of()));
			assertThat(this.audit.count(null, null, null, null)).isZero();
		}
		finally {
			this.jdbc.sql("DELETE FROM audit_events").update();
		}
	}

	/**
	 * An event anyone can repeat is recorded once a window per client network: a client
	 * rotating through the addresses of its IPv6 /64 is one client.
	 */
	@Test
	void recordRepeatableWhenAddressesOfOneSlash64ThenRecordedOnce() {
		String action = "login.throttled." + UUID.randomUUID();

		assertThat(this.audit.recordRepeatable("unknown", action, null, "2001:db8:7:7::1", Map.of())).isTrue();
		assertThat(this.audit.recordRepeatable("unknown", action, null, "2001:db8:7:7:a:b:c:d", Map.of())).isFalse();
		assertThat(this.audit.recordRepeatable("unknown", action, null, "2001:db8:7:8::1", Map.of())).isTrue();
		assertThat(this.audit.recordRepeatable("unknown", action, null, "192.0.2.1", Map.of())).isTrue();
		assertThat(this.audit.recordRepeatable("unknown", action, null, "192.0.2.2", Map.of())).isTrue();
		assertThat(this.jdbc.sql("SELECT client_ip FROM audit_events WHERE action = ? ORDER BY id")
			.param(action)
			.query(String.class)
			.list()).containsExactly("2001:db8:7:7::1", "2001:db8:7:8::1", "192.0.2.1", "192.0.2.2");
	}

	@Test
	void searchWhenPagedThenNewestFirst() {
		for (int i = 1; i <= 5; i++) {
			this.audit.record("admin", "action." + i, null, null, Map.of());
		}

		assertThat(this.audit.search(null, null, null, null, 2, 0)).extracting(Event::action)
			.containsExactly("action.5", "action.4");
		assertThat(this.audit.search(null, null, null, null, 2, 4)).extracting(Event::action)
			.containsExactly("action.1");
		assertThat(this.audit.count(null, null, null, null)).isEqualTo(5);
	}

	@Test
	void searchWhenActorGivenThenThatActorExactly() {
		this.audit.record("alice", "login.succeeded", null, null, Map.of());
		this.audit.record("alice2", "login.succeeded", null, null, Map.of());
		this.audit.record("ALICE", "login.succeeded", null, null, Map.of());

		assertThat(this.audit.search("alice", null, null, null, 10, 0)).extracting(Event::actor)
			.containsExactly("alice");
		assertThat(this.audit.count("alice", null, null, null)).isEqualTo(1);
		assertThat(this.audit.count("al%", null, null, null)).isZero();
	}

	@Test
	void searchWhenActionPrefixGivenThenActionsStartingWithItLiterally() {
		this.audit.record("a", "login.succeeded", null, null, Map.of());
		this.audit.record("a", "login.failed", null, null, Map.of());
		this.audit.record("a", "loginXfailed", null, null, Map.of());
		this.audit.record("a", "user.login.changed", null, null, Map.of());
		this.audit.record("a", "client_deleted", null, null, Map.of());
		this.audit.record("a", "clientXdeleted", null, null, Map.of());

		assertThat(this.audit.search(null, "login.", null, null, 10, 0)).extracting(Event::action)
			.containsExactly("login.failed", "login.succeeded");
		assertThat(this.audit.count(null, "login.", null, null)).isEqualTo(2);
		assertThat(this.audit.count(null, "client_", null, null)).isEqualTo(1);
		assertThat(this.audit.count(null, "%", null, null)).isZero();
		assertThat(this.audit.count(null, "", null, null)).isEqualTo(6);
	}

	@Test
	void searchWhenTimeRangeGivenThenFromInclusiveToExclusive() {
		record("before", T0.minusNanos(1000));
		record("at-from", T0);
		record("inside", T0.plusSeconds(30));
		record("at-to", T0.plusSeconds(60));

		assertThat(this.audit.search(null, null, T0, T0.plusSeconds(60), 10, 0)).extracting(Event::action)
			.containsExactly("inside", "at-from");
		assertThat(this.audit.count(null, null, T0, null)).isEqualTo(3);
		assertThat(this.audit.count(null, null, null, T0)).isEqualTo(1);
		assertThat(this.audit.search(null, null, T0.plusSeconds(30), null, 10, 0)).extracting(Event::occurredAt)
			.containsExactly(T0.plusSeconds(60), T0.plusSeconds(30));
	}

	@Test
	void searchWhenFiltersCombinedThenEveryFilterApplies() {
		record("alice", "login.failed", T0);
		record("alice", "login.failed", T0.plusSeconds(120));
		record("alice", "user.updated", T0);
		record("bob", "login.failed", T0);

		assertThat(this.audit.search("alice", "login.", T0, T0.plusSeconds(60), 10, 0)).singleElement()
			.satisfies((event) -> {
				assertThat(event.actor()).isEqualTo("alice");
				assertThat(event.action()).isEqualTo("login.failed");
				assertThat(event.occurredAt()).isEqualTo(T0);
			});
		assertThat(this.audit.count("alice", "login.", T0, T0.plusSeconds(60))).isEqualTo(1);
	}

	private void record(String action, Instant occurredAt) {
		record("someone", action, occurredAt);
	}

	/** Records an event, then moves it to the given time. */
	private void record(String actor, String action, Instant occurredAt) {
		this.audit.record(actor, action, null, null, Map.of());
		this.jdbc.sql("UPDATE audit_events SET occurred_at = ? WHERE id = (SELECT max(id) FROM audit_events)")
			.param(Timestamp.from(occurredAt))
			.update();
	}

	/** {@code now()} of this test's transaction, which the database writes as "now". */
	private Instant transactionStart() {
		return this.jdbc.sql("SELECT now()").query(Timestamp.class).single().toInstant();
	}

}
