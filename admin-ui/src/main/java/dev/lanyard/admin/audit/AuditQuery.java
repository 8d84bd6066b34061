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
}
