package dev.lanyard.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;

/**
 * The plan PostgreSQL keeps for a prepared statement once it stops planning it per call
 * (a generic plan), on a new migrated database whose tables were never analysed: what a
 * connection may keep for its whole life after a deployment's first requests.
 */
public final class GenericPlans implements AutoCloseable {

	private final Connection connection;

	private final Statement statement;

	private int prepared;

	/** On a new migrated database ({@link TestBackends#newMigratedDatabase()}). */
	public GenericPlans() throws SQLException {
		this.connection = DriverManager.getConnection(TestBackends.newMigratedDatabase(), "postgres",
				TestBackends.superuserPassword());
		this.statement = this.connection.createStatement();
		this.statement.execute("SET plan_cache_mode = force_generic_plan");
	}

	/**
	 * The generic plan of a statement, as {@code EXPLAIN} prints it.
	 * @param sql the statement with {@code $1}, {@code $2} … parameters
	 * @param types the parameters' SQL types ({@code unknown}: inferred), one per
	 * parameter
	 */
	public String of(String sql, List<String> types) throws SQLException {
		String name = "generic_plan_" + (++this.prepared);
		String parameters = types.isEmpty() ? "" : "(" + String.join(", ", types) + ")";
		this.statement.execute("PREPARE " + name + parameters + " AS " + sql);
		StringBuilder plan = new StringBuilder();
		try (ResultSet lines = this.statement.executeQuery("EXPLAIN EXECUTE " + name
				+ (types.isEmpty() ? "" : "(" + String.join(", ", Collections.nCopies(types.size(), "NULL")) + ")"))) {
			while (lines.next()) {
				plan.append(lines.getString(1)).append('\n');
			}
		}
		return plan.toString();
	}

	/** The SQL name of a PostgreSQL type oid. */
	public String typeName(long oid) throws SQLException {
		try (ResultSet type = this.statement.executeQuery("SELECT format_type(" + oid + ", NULL)")) {
			type.next();
			return type.getString(1);
		}
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

}
