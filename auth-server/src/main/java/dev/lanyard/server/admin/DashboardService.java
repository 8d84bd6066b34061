package dev.lanyard.server.admin;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.audit.AuditEntry;
import dev.lanyard.admin.dashboard.DashboardStatistics;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.authorization.JdbcActiveGrants;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.token.TokenIssuanceStatistics;
import dev.lanyard.server.user.UserService;

import org.springframework.stereotype.Service;

/** The dashboard port. */
@Service
class DashboardService implements DashboardStatistics {

	private final ClientService clients;

	private final UserService users;

	private final JdbcActiveGrants grants;

	private final TokenIssuanceStatistics issued;

	private final AuditLog audit;

	private final Clock clock;

	DashboardService(ClientService clients, UserService users, JdbcActiveGrants grants, TokenIssuanceStatistics issued,
			AuditLog audit, Clock clock) {
		this.clients = clients;
		this.users = users;
		this.grants = grants;
		this.issued = issued;
		this.audit = audit;
		this.clock = clock;
	}

	@Override
	public Counts counts() {
		return new Counts(this.clients.count(), this.users.count(), this.grants.countActive(), this.clock.instant());
	}

	@Override
	public Map<String, List<Long>> tokensIssuedLastHour() {
		return this.issued.lastHour();
	}

	@Override
	public List<AuditEntry> recentEvents(int limit) {
		return this.audit.search(null, null, null, null, limit, 0)
			.stream()
			.map(AuditAdministrationService::entry)
			.toList();
	}

}
