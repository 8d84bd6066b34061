package dev.lanyard.server.audit;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

	private static String truncate(String value, int length) {
		return (value == null || value.length() <= length) ? value : value.substring(0, length);
	}

}
