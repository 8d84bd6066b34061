package dev.lanyard.server.registration;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.FieldProblem;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.registration.RegistrationTokenAdministration;
import dev.lanyard.server.audit.AuditLog;

import org.springframework.stereotype.Service;

/**
 * Initial access tokens for the console and the admin API: the one place their limits are
 * applied and their changes audited.
 */
@Service
class RegistrationTokenAdministrationService implements RegistrationTokenAdministration {

	private final RegistrationTokens tokens;

	private final AuditLog audit;

	RegistrationTokenAdministrationService(RegistrationTokens tokens, AuditLog audit) {
		this.tokens = tokens;
		this.audit = audit;
	}

	@Override
	public List<TokenView> usable() {
		return this.tokens.usable().stream().map(RegistrationTokenAdministrationService::view).toList();
	}

	@Override
	public CreatedToken create(String description, int uses, Duration lifetime, Actor actor) {
		if (description == null || description.isBlank() || description.length() > 200) {
			throw new InvalidInputException(List.of(new FieldProblem("description", "registration-token.description")));
		}
		if (uses < 1 || uses > MAXIMUM_USES || lifetime.compareTo(Duration.ofMinutes(1)) < 0
				|| lifetime.compareTo(MAXIMUM_LIFETIME) > 0) {
			throw new InvalidInputException(List.of(new FieldProblem("uses", "registration-token.range")));
		}
		RegistrationTokens.Created created = this.tokens.create(description, uses, lifetime, actor.name());
		this.audit.record(actor.id(), "registration_token.created", "registration-token:" + created.token().id(),
				actor.address(), Map.of("uses", uses, "expires_at", created.token().expiresAt().toString()));
		return new CreatedToken(view(created.token()), created.value());
	}

	@Override
	public void revoke(String id, Actor actor) {
		if (!this.tokens.revoke(id)) {
			throw new NotFoundException("Registration token");
		}
		this.audit.record(actor.id(), "registration_token.revoked", "registration-token:" + id, actor.address(),
				Map.of());
	}

	private static TokenView view(RegistrationTokens.InitialAccessToken token) {
		return new TokenView(token.id(), token.description(), token.createdBy(), token.usesLeft(), token.expiresAt());
	}

}
