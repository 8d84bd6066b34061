package dev.lanyard.server.storage;

import java.sql.Array;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/** Values for SQL parameters and columns: {@code text[]} arrays and search patterns. */
public final class SqlValues {

	private SqlValues() {
	}

	/**
	 * A JDBC parameter value for a {@code text[]} column (the driver binds
	 * {@code String[]}).
	 */
	public static String[] of(Collection<String> values) {
		return values.toArray(String[]::new);
	}

	/**
	 * A {@code LIKE}/{@code ILIKE} pattern matching values that contain the text
	 * literally.
	 */
	public static String containsPattern(String text) {
		return "%" + literal(text) + "%";
	}

	/** A {@code LIKE} pattern matching values that start with the text literally. */
	public static String startsWithPattern(String text) {
		return literal(text) + "%";
	}

	private static String literal(String text) {
		return (text == null) ? "" : text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
	}

	/** The elements of a {@code text[]} column; empty for SQL NULL. */
	public static List<String> toList(Array array) throws SQLException {
		if (array == null) {
			return List.of();
		}
		return List.of((String[]) array.getArray());
	}

}
