package dev.lanyard.admin.registration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.TestDouble;

/**
 * {@link RegistrationTokenAdministration} in memory, with the server's limits; records
 * who created and revoked what.
 */
public class InMemoryRegistrationTokenAdministration implements RegistrationTokenAdministration, TestDouble {

	public static final String VALUE = "lyit_test-value-shown-once";

	private final List<TokenView> tokens = new ArrayList<>();

	private final List<Actor> actors = new ArrayList<>();

	@Override
	public void reset() {
		this.tokens.clear();
		this.tokens.add(new TokenView("t-1", "Team billing", "alice", 3, Instant.parse("2030-01-01T00:00:00Z")));
		this.actors.clear();
	}

	@Override
	public boolean untouched() {
		return this.actors.isEmpty();
	}

	public List<Actor> actors() {
		return List.copyOf(this.actors);
	}

	@Override
	public List<TokenView> usable() {
		return List.copyOf(this.tokens);
	}

	@Override
	public CreatedToken create(String description, int uses, Duration lifetime, Actor actor) {
		if (description.isBlank() || uses < 1 || uses > MAXIMUM_USES || lifetime.compareTo(MAXIMUM_LIFETIME) > 0
				|| lifetime.isNegative() || lifetime.isZero()) {
			throw new InvalidInputException("uses", "registration-token.range");
		}
		TokenView token = new TokenView("t-" + (this.tokens.size() + 1), description, actor.name(), uses,
				Instant.parse("2030-01-01T00:00:00Z"));
		this.tokens.add(0, token);
		this.actors.add(actor);
		return new CreatedToken(token, VALUE);
	}

	@Override
	public void revoke(String id, Actor actor) {
		if (!this.tokens.removeIf((token) -> token.id().equals(id))) {
			throw new NotFoundException("Registration token");
		}
		this.actors.add(actor);
	}

}
