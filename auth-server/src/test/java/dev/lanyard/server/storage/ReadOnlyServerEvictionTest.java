package dev.lanyard.server.storage;

import java.sql.SQLException;

import com.zaxxer.hikari.SQLExceptionOverride;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pooled connection on a server that no longer takes writes leaves the pool; other
 * failures are left to HikariCP's own judgement.
 */
class ReadOnlyServerEvictionTest {

	private final ReadOnlyServerEviction eviction = new ReadOnlyServerEviction();

	@Test
	void adjudicateWhenServerReadOnlyThenEvictedElseHikariDecides() {
		assertThat(
				this.eviction.adjudicate(new SQLException("cannot execute INSERT in a read-only transaction", "25006")))
			.isEqualTo(SQLExceptionOverride.Override.MUST_EVICT);
		assertThat(this.eviction.adjudicate(new SQLException("duplicate key", "23505")))
			.isEqualTo(SQLExceptionOverride.Override.CONTINUE_EVICT);
		assertThat(BackendBreakers.isOutage(new SQLException("read-only", "25006"))).isTrue();
		assertThat(BackendBreakers.isOutage(new SQLException("terminating connection", "57P01"))).isTrue();
		assertThat(BackendBreakers.isOutage(new SQLException("duplicate key", "23505"))).isFalse();
	}

}
