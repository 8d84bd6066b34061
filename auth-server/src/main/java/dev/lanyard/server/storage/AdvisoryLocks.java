package dev.lanyard.server.storage;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The PostgreSQL advisory locks that serialise work across nodes. Each is taken for the
 * current transaction only ({@code pg_advisory_xact_lock}), so it is released with the
 * transaction whatever happens, and it works behind PgBouncer in transaction mode (a
 * session-level lock would stay on whichever server connection took it).
 */
public enum AdvisoryLocks {

	/** Signing key creation, rotation and retirement. */
	KEY_MANAGEMENT(7163001),

	/**
	 * The bootstrap file import (several nodes starting at once import it one after the
	 * other).
	 */
	BOOTSTRAP_IMPORT(7163002);

	private final long id;

	AdvisoryLocks(long id) {
		this.id = id;
	}

	/** Waits for the lock and holds it until the current transaction ends; needs one. */
	public void lockForTransaction(JdbcClient jdbc) {
		jdbc.sql("SELECT pg_advisory_xact_lock(?)").param(this.id).query((rs, row) -> 1).single();
	}

}
