package dev.lanyard.server.storage;

import java.sql.SQLException;

import com.zaxxer.hikari.SQLExceptionOverride;

/**
 * Drops a pooled connection that finds itself on a read-only server (SQLSTATE 25006): a
 * failover turned its server into a standby, or a name still points at the old primary.
 * HikariCP discards connections only on connection errors (class 08 and a few others), so
 * such connections stayed in the pool until their maximum lifetime (30 minutes by
 * default), every write on them failing. New connections go to the primary only
 * ({@code targetServerType=primary}, {@link FailFastDataSourcePostProcessor}).
 */
public final class ReadOnlyServerEviction implements SQLExceptionOverride {

	/** PostgreSQL's "read_only_sql_transaction". */
	static final String READ_ONLY = "25006";

	@java.lang.Override
	public Override adjudicate(SQLException failure) {
		return READ_ONLY.equals(failure.getSQLState()) ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
	}

}
