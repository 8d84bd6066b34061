package dev.lanyard.admin.audit;

import java.time.Instant;

/**
 * A filter on the audit log; every part is optional ({@code null}).
 *
 * @param actor events by this actor (exact)
 * @param action events whose action starts with this, e.g. {@code login.}
 * @param from events at or after this
 * @param to events before this
 */
public record AuditQuery(String actor, String action, Instant from, Instant to) {

	/** No event is older: an earlier bound is this one. */
	static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

	/** No event is newer: a later bound is this one. */
	static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

	/**
	 * Bounds beyond the years 1 to 9999 are brought within them, which selects the same
	 * events: PostgreSQL's timestamps (and {@code java.sql.Timestamp}) cannot hold every
	 * instant a request can name, such as {@code +999999999-12-31}.
	 */
	public AuditQuery {
		from = within(from);
		to = within(to);
	}

	private static Instant within(Instant bound) {
		if (bound == null) {
			return null;
		}
		return bound.isBefore(EARLIEST) ? EARLIEST : bound.isAfter(LATEST) ? LATEST : bound;
	}

}
