package dev.lanyard.server.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.key.KeyAdministration;
import dev.lanyard.admin.key.KeyView;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.key.SigningKeyService;

import org.springframework.stereotype.Service;

/** The signing keys port. */
@Service
class KeyAdministrationService implements KeyAdministration {

	private final SigningKeyService keys;

	private final AuditLog audit;

	KeyAdministrationService(SigningKeyService keys, AuditLog audit) {
		this.keys = keys;
		this.audit = audit;
	}

	@Override
	public List<KeyView> keys() {
		return this.keys.keys()
			.stream()
			.map((key) -> new KeyView(key.kid(), key.algorithm(), key.state().dbValue(), key.createdAt(),
					key.activatedAt(), key.retiredAt(), key.activateAfter()))
			.toList();
	}

	@Override
	public Instant rotate(Actor actor) {
		Instant startsAt = this.keys.rotate();
		this.audit.record(actor.id(), "keys.rotated", null, actor.address(),
				Map.of("next_key_signs_from", startsAt.toString()));
		return startsAt;
	}

	@Override
	public boolean withdraw(String kid, Actor actor) {
		boolean withdrawn = this.keys.withdraw(kid);
		if (withdrawn) {
			this.audit.record(actor.id(), "keys.rotated_in_emergency", "key:" + kid, actor.address(),
					Map.of("kid", kid));
		}
		return withdrawn;
	}

}
