package dev.lanyard.server;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Counts the rows each {@code DELETE} statement removes from a table (a statement trigger
 * with a transition table). Created in the caller's transaction: a repository slice test
 * rolls it back with everything else.
 */
public final class DeletesPerStatement {

	private final JdbcClient jdbc;

	private DeletesPerStatement(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Starts counting the deletes from {@code table}. */
	public static DeletesPerStatement on(JdbcClient jdbc, String table) {
		jdbc.sql("CREATE TABLE IF NOT EXISTS deletes_per_statement (id SERIAL, tab TEXT, deleted BIGINT)").update();
		jdbc.sql("""
				CREATE OR REPLACE FUNCTION count_deletes() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
				  INSERT INTO deletes_per_statement (tab, deleted) SELECT TG_TABLE_NAME, count(*) FROM gone;
				  RETURN NULL;
				END $$""").update();
		jdbc.sql("CREATE TRIGGER count_deletes AFTER DELETE ON " + table
				+ " REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION count_deletes()")
			.update();
		return new DeletesPerStatement(jdbc);
	}

	/** The rows each statement deleted from the table, in order. */
	public List<Long> counts(String table) {
		return this.jdbc.sql("SELECT deleted FROM deletes_per_statement WHERE tab = ? ORDER BY id")
			.param(table)
			.query(Long.class)
			.list();
	}

}
