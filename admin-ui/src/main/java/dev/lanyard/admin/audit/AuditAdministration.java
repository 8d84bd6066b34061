package dev.lanyard.admin.audit;

import dev.lanyard.admin.Page;

/** Port: reading the audit log. Implemented by the server. */
public interface AuditAdministration {

	/** Matching events, newest first. */
	Page<AuditEntry> search(AuditQuery query, int page, int size);

}
