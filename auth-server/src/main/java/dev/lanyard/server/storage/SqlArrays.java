package dev.lanyard.server.storage;

import java.sql.Array;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/** PostgreSQL {@code text[]} columns to and from Java collections. */
public final class SqlArrays {

	private SqlArrays() {
	}

	/** A JDBC parameter value for a {@code text[]} column (the driver binds {@code String[]}). */
	public static String[] of(Collection<String> values) {
		return values.toArray(String[]::new);
	}

	/** The elements of a {@code text[]} column; empty for SQL NULL. */
	public static List<String> toList(Array array) throws SQLException {
		if (array == null) {
			return List.of();
		}
		return List.of((String[]) array.getArray());
	}

}
