package dev.lanyard.admin.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.TestDouble;
import dev.lanyard.admin.audit.AuditEntry;
import dev.lanyard.admin.audit.TestAuditEntries;

/**
 * {@link DashboardStatistics} in memory: 3 clients, 7 users, 5 active grants and no
 * tokens issued after a reset. Records how many recent events were asked for.
 */
public class InMemoryDashboardStatistics implements DashboardStatistics, TestDouble {

	public static final Instant COUNTED_AT = Instant.parse("2026-03-02T13:00:00Z");

	private final Map<String, List<Long>> issued = new LinkedHashMap<>();

	private final List<AuditEntry> events = new ArrayList<>();

	private final List<Integer> eventLimits = new ArrayList<>();

	@Override
	public void reset() {
		this.issued.clear();
		this.events.clear();
		this.events.add(TestAuditEntries.entry(1, "login.succeeded").actor("id-bob").target("user:id-bob").build());
		this.eventLimits.clear();
	}

	@Override
	public boolean untouched() {
		return true;
	}

	/**
	 * Records tokens issued for a grant type.
	 * @param minuteCounts pairs of (minute 0..59, count)
	 */
	public void issued(String grantType, long... minuteCounts) {
		List<Long> perMinute = new ArrayList<>(Collections.nCopies(60, 0L));
		for (int i = 0; i < minuteCounts.length; i += 2) {
			perMinute.set((int) minuteCounts[i], minuteCounts[i + 1]);
		}
		this.issued.put(grantType, perMinute);
	}

	@Override
	public Counts counts() {
		return new Counts(3, 7, 5, COUNTED_AT);
	}

	@Override
	public Map<String, List<Long>> tokensIssuedLastHour() {
		return Collections.unmodifiableMap(this.issued);
	}

	@Override
	public List<AuditEntry> recentEvents(int limit) {
		this.eventLimits.add(limit);
		return this.events.stream().limit(limit).toList();
	}

	/** The limits asked of {@link #recentEvents(int)}. */
	public List<Integer> eventLimits() {
		return List.copyOf(this.eventLimits);
	}

}
