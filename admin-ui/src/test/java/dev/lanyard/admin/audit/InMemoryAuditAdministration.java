package dev.lanyard.admin.audit;

import java.util.ArrayList;
import java.util.List;

import dev.lanyard.admin.Page;
import dev.lanyard.admin.TestDouble;
import dev.lanyard.admin.TestPages;

/**
 * An {@link AuditAdministration} in memory: answers every query with its events (two
 * after a reset) and records the queries. Filtering is the server's, not the console's.
 */
public class InMemoryAuditAdministration implements AuditAdministration, TestDouble {

	private final List<AuditEntry> entries = new ArrayList<>();

	private final List<Search> searches = new ArrayList<>();

	@Override
	public void reset() {
		this.entries.clear();
		this.entries.add(TestAuditEntries.entry(2, "client.created").target("client:web-app").build());
		this.entries.add(TestAuditEntries.entry(1, "login.succeeded").actor("id-bob").target("user:id-bob").build());
		this.searches.clear();
	}

	@Override
	public boolean untouched() {
		return true;
	}

	public void add(AuditEntry entry) {
		this.entries.add(entry);
	}

	public void clear() {
		this.entries.clear();
	}

	@Override
	public Page<AuditEntry> search(AuditQuery query, int page, int size) {
		this.searches.add(new Search(query, page, size));
		return TestPages.slice(this.entries, page, size);
	}

	public List<Search> searches() {
		return List.copyOf(this.searches);
	}

	/** One search as the console asked it. */
	public record Search(AuditQuery query, int page, int size) {
	}

}
