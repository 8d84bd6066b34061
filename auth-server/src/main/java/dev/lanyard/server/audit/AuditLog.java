package dev.lanyard.server.audit;

import java.time.Duration;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.storage.SqlValues;
import dev.lanyard.server.web.ClientNetwork;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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

	private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {
	};

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * The repeatable events recorded in the last minute on this node, by kind and
	 * address.
	 */
	private final Cache<String, Boolean> recentlyRepeated = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterWrite(REPEAT_WINDOW)
		.build();

	/** How often one address's repeatable event of one kind is recorded at most. */
	public static final Duration REPEAT_WINDOW = Duration.ofMinutes(1);

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
	 * Records an event anyone can cause over and over (a sign-in refused as throttled, a
	 * made-up answer on a federated callback, a signed-in person's request that changes
	 * nothing), at most once per {@link #REPEAT_WINDOW} for one address, action and
	 * target on this node: otherwise one host could write the table full (tens of
	 * gigabytes a day), which is kept as long as the operator sets
	 * ({@link AuditRetention}; for ever by default). The metrics count every one.
	 * @return whether it was recorded (the caller may log it then, and only then)
	 */
	public boolean recordRepeatable(String actor, String action, String target, String clientAddress,
			Map<String, ?> details) {
		// An IPv6 client's /64: it picks the rest of its address at will.
		String key = action + '\0' + target + '\0' + ((clientAddress != null) ? ClientNetwork.of(clientAddress) : null);
		if (this.recentlyRepeated.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
			return false;
		}
		record(actor, action, target, clientAddress, details);
		return true;
	}

	/**
	 * Events matching every given filter (each may be {@code null}), newest first.
	 * @param actionPrefix matches actions that start with it, e.g. {@code login.}
	 */
	public List<Event> search(String actor, String actionPrefix, Instant from, Instant to, int limit, long offset) {
		Filter filter = Filter.of(actor, actionPrefix, from, to);
		return this.jdbc
			.sql("SELECT * FROM audit_events" + filter.where() + " ORDER BY id DESC LIMIT :limit OFFSET :offset")
			.params(filter.parameters())
			.param("limit", limit)
			.param("offset", offset)
			.query((rs, row) -> new Event(rs.getLong("id"), rs.getTimestamp("occurred_at").toInstant(),
					rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("client_ip"),
					this.json.readValue(rs.getString("details"), DETAILS)))
			.list();
	}

	public long count(String actor, String actionPrefix, Instant from, Instant to) {
		Filter filter = Filter.of(actor, actionPrefix, from, to);
		return this.jdbc.sql("SELECT count(*) FROM audit_events" + filter.where())
			.params(filter.parameters())
			.query(Long.class)
			.single();
	}

	/**
	 * The conditions of the filters given, and only those: one statement per combination,
	 * so each has a plan of its own that uses the index of its conditions. A single
	 * statement of the form {@code (:actor IS NULL OR actor = :actor)} has no such plan:
	 * once PostgreSQL keeps a generic plan for it (RequestPathPlansTest), every search
	 * reads the whole table.
	 */
	private record Filter(String where, Map<String, Object> parameters) {

		static Filter of(String actor, String actionPrefix, Instant from, Instant to) {
			List<String> conditions = new ArrayList<>();
			Map<String, Object> parameters = new HashMap<>();
			if (actor != null) {
				conditions.add("actor = :actor");
				parameters.put("actor", actor);
			}
			if (actionPrefix != null) {
				conditions.add("action LIKE :action");
				parameters.put("action", SqlValues.startsWithPattern(actionPrefix));
			}
			if (from != null) {
				conditions.add("occurred_at >= :from");
				parameters.put("from", Timestamp.from(from));
			}
			if (to != null) {
				conditions.add("occurred_at < :to");
				parameters.put("to", Timestamp.from(to));
			}
			return new Filter(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), parameters);
		}

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
