package dev.lanyard.admin.audit;

import java.time.Instant;
import java.util.Map;

/** {@link AuditEntry} fixtures: a builder for one event. */
public final class TestAuditEntries {

	public static final Instant OCCURRED_AT = Instant.parse("2026-03-02T12:34:56Z");

	private TestAuditEntries() {
	}

	/** An event by {@code alice} from {@code 192.0.2.10}, with no target or details. */
	public static Builder entry(long id, String action) {
		return new Builder(id, action);
	}

	/** Builds {@link AuditEntry}s. */
	public static final class Builder {

		private final long id;

		private final String action;

		private final Instant occurredAt = OCCURRED_AT;

		private String actor = "alice";

		private String target;

		private String clientAddress = "192.0.2.10";

		private Map<String, Object> details = Map.of();

		private Builder(long id, String action) {
			this.id = id;
			this.action = action;
		}

		public Builder actor(String actor) {
			this.actor = actor;
			return this;
		}

		public Builder target(String target) {
			this.target = target;
			return this;
		}

		public Builder details(Map<String, Object> details) {
			this.details = details;
			return this;
		}

		public AuditEntry build() {
			return new AuditEntry(this.id, this.occurredAt, this.actor, this.action, this.target, this.clientAddress,
					this.details);
		}

	}

}
