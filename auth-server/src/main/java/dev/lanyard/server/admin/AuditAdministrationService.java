package dev.lanyard.server.admin;

import java.util.List;

import dev.lanyard.admin.Page;
import dev.lanyard.admin.audit.AuditAdministration;
import dev.lanyard.admin.audit.AuditEntry;
import dev.lanyard.admin.audit.AuditQuery;
import dev.lanyard.server.audit.AuditLog;

import org.springframework.stereotype.Service;

/** The audit port. */
@Service
class AuditAdministrationService implements AuditAdministration {

	private final AuditLog audit;

	AuditAdministrationService(AuditLog audit) {
		this.audit = audit;
	}

	@Override
	public Page<AuditEntry> search(AuditQuery query, int page, int size) {
		List<AuditEntry> items = this.audit
			.search(query.actor(), query.action(), query.from(), query.to(), size, (long) page * size)
			.stream()
			.map(AuditAdministrationService::entry)
			.toList();
		return new Page<>(items, page, size, this.audit.count(query.actor(), query.action(), query.from(), query.to()));
	}

	static AuditEntry entry(AuditLog.Event event) {
		return new AuditEntry(event.id(), event.occurredAt(), event.actor(), event.action(), event.target(),
				event.clientAddress(), event.details());
	}

}
