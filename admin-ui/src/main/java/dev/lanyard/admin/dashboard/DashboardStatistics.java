package dev.lanyard.admin.dashboard;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.audit.AuditEntry;

/** Port: the figures on the dashboard. Implemented by the server. */
public interface DashboardStatistics {

	/** Counts of clients, users and active grants. */
	Counts counts();

	/**
	 * Tokens issued per grant type in each of the last 60 minutes, oldest first.
	 * @return for each grant type, 60 counts
	 */
	Map<String, List<Long>> tokensIssuedLastHour();

	/** The most recent audit events. */
	List<AuditEntry> recentEvents(int limit);

	/**
	 * @param clients registered clients
	 * @param users user accounts
	 * @param activeGrants grants with a live token
	 * @param at when counted
	 */
	record Counts(long clients, long users, long activeGrants, Instant at) {
	}

}
