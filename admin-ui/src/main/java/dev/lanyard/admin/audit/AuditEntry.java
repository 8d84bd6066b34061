package dev.lanyard.admin.audit;

import java.time.Instant;
import java.util.Map;

/**
 * One audit event. Immutable; never holds a secret.
 *
 * @param id the event id
 * @param occurredAt when
 * @param actor who (user id, client id or {@code system})
 * @param action what, e.g. {@code client.created}
 * @param target what it was done to; may be {@code null}
 * @param clientAddress from where; may be {@code null}
 * @param details further facts
 */
public record AuditEntry(long id, Instant occurredAt, String actor, String action, String target, String clientAddress,
		Map<String, Object> details) {
}
