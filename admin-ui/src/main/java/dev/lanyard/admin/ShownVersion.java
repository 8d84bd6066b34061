package dev.lanyard.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The version of an account or client a console form showed: when it was last changed, as
 * ISO-8601 text in a hidden field, posted back so that a save made after someone else's
 * change is refused instead of undoing it.
 */
public final class ShownVersion {

	private ShownVersion() {
	}

	/** The text a form carries for an entity last changed at {@code updatedAt}. */
	public static String of(Instant updatedAt) {
		return (updatedAt != null) ? updatedAt.toString() : "";
	}

	/**
	 * The time a form posted back, or {@code null} for none.
	 * @throws IllegalArgumentException naming the field {@code version} if it is not a
	 * time
	 */
	public static Instant parse(String version) {
		try {
			return (version == null || version.isBlank()) ? null : Instant.parse(version.strip());
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("version");
		}
	}

}
