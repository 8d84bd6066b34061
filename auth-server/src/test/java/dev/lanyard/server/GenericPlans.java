package dev.lanyard.server;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plan PostgreSQL keeps for a prepared statement once it stops planning it per call
 * (a generic plan), on a new migrated database whose tables were never analysed: what a
 * connection may keep for its whole life after a deployment's first requests.
 */
public final class GenericPlans implements AutoCloseable {

	private static final Pattern SEQUENTIAL_SCAN = Pattern.compile("Seq Scan on (\\w+)");

	private final Connection connection;

	private final Statement statement;

	private int prepared;

	/** On a new migrated database ({@link TestBackends#newMigratedDatabase()}). */
	public GenericPlans() throws SQLException {
		this(TestBackends.newMigratedDatabase());
	}

	/** On a database of the tests' PostgreSQL, as it is. */
	public GenericPlans(String database) throws SQLException {
		this.connection = DriverManager.getConnection(database, "postgres", TestBackends.superuserPassword());
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

	/**
	 * The statements among those a {@link DriverTrace} heard whose generic plan reads a
	 * table whole, other than the small tables named, each with its plan.
	 * @param sent each statement with its comma-separated parameter type oids
	 */
	public Map<String, String> wholeTableReads(Map<String, String> sent, Set<String> smallTables) throws SQLException {
		Map<String, String> scans = new LinkedHashMap<>();
		for (Map.Entry<String, String> statementSent : sent.entrySet()) {
			String sql = statementSent.getKey();
			if (!readsRows(sql)) {
				continue;
			}
			List<String> types = new ArrayList<>();
			for (String oid : statementSent.getValue().split(",")) {
				if (!oid.isEmpty()) {
					// Unspecified by the driver: inferred, as the server did.
					types.add("0".equals(oid) ? "unknown" : typeName(Long.parseLong(oid)));
				}
			}
			String plan = of(sql, types);
			Matcher scan = SEQUENTIAL_SCAN.matcher(plan);
			while (scan.find()) {
				if (!smallTables.contains(scan.group(1))) {
					scans.put(sql, plan);
				}
			}
		}
		return scans;
	}

	/** Whether a statement finds rows (an insert of values finds none). */
	public static boolean readsRows(String sql) {
		String start = sql.stripLeading().toUpperCase(Locale.ROOT);
		if (start.startsWith("INSERT")) {
			return start.contains("SELECT") || start.contains("ON CONFLICT");
		}
		return start.startsWith("SELECT") || start.startsWith("WITH") || start.startsWith("UPDATE")
				|| start.startsWith("DELETE");
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
