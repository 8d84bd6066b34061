package dev.lanyard.server.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.storage.SqlValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Records what happened and who did it: sign-ins, administrative changes, revocations.
 * Callers never pass a token, secret or password. Writing an event never fails the action
 * it records: a failed write is logged.
 */
@Service
public class AuditLog {

	private static final Logger logger = LoggerFactory.getLogger(AuditLog.class);

	private final JdbcClient jdbc;

	private static final String FILTER = "(CAST(:actor AS text) IS NULL OR actor = :actor)"
			+ " AND (CAST(:action AS text) IS NULL OR action LIKE :action)"
			+ " AND (CAST(:from AS timestamptz) IS NULL OR occurred_at >= :from)"
			+ " AND (CAST(:to AS timestamptz) IS NULL OR occurred_at < :to)";

	private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {
	};

	private final JsonMapper json = JsonMapper.builder().build();

	public AuditLog(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records an event.
	 * @param actor who acted: a user id, a client id, or {@code system}
	 * @param action what happened, e.g. {@code login.succeeded}
	 * @param target what it happened to; may be {@code null}
	 * @param clientAddress the client address; may be {@code null}
	 * @param details further non-secret facts
	 */
	public void record(String actor, String action, String target, String clientAddress, Map<String, ?> details) {
		try {
			this.jdbc.sql("""
					INSERT INTO audit_events (actor, action, target, client_ip, details)
					VALUES (?, ?, ?, ?, ?::jsonb)""")
				.params(truncate(actor, 200), action, truncate(target, 300), truncate(clientAddress, 64),
						this.json.writeValueAsString(details))
				.update();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record audit event {}: {}", action, ex.getMessage());
		}
	}

	/**
	 * Events matching every given filter (each may be {@code null}), newest first.
	 * @param actionPrefix matches actions that start with it, e.g. {@code login.}
	 */
	public List<Event> search(String actor, String actionPrefix, Instant from, Instant to, int limit, long offset) {
		return this.jdbc
			.sql("SELECT * FROM audit_events WHERE " + FILTER + " ORDER BY id DESC LIMIT :limit OFFSET :offset")
			.params(filter(actor, actionPrefix, from, to))
			.param("limit", limit)
			.param("offset", offset)
			.query((rs, row) -> new Event(rs.getLong("id"), rs.getTimestamp("occurred_at").toInstant(),
					rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("client_ip"),
					this.json.readValue(rs.getString("details"), DETAILS)))
			.list();
	}

	public long count(String actor, String actionPrefix, Instant from, Instant to) {
		return this.jdbc.sql("SELECT count(*) FROM audit_events WHERE " + FILTER)
			.params(filter(actor, actionPrefix, from, to))
			.query(Long.class)
			.single();
	}

	private static Map<String, Object> filter(String actor, String actionPrefix, Instant from, Instant to) {
		Map<String, Object> parameters = new HashMap<>();
		parameters.put("actor", actor);
		parameters.put("action", (actionPrefix != null) ? SqlValues.startsWithPattern(actionPrefix) : null);
		parameters.put("from", (from != null) ? Timestamp.from(from) : null);
		parameters.put("to", (to != null) ? Timestamp.from(to) : null);
		return parameters;
	}

	/**
	 * A recorded event.
	 *
	 * @param id the event id
	 * @param occurredAt when
	 * @param actor who
	 * @param action what
	 * @param target on what; may be {@code null}
	 * @param clientAddress from where; may be {@code null}
	 * @param details further facts
	 */
	public record Event(long id, Instant occurredAt, String actor, String action, String target, String clientAddress,
			Map<String, Object> details) {
	}

	private static String truncate(String value, int length) {
		return (value == null || value.length() <= length) ? value : value.substring(0, length);
	}

}
