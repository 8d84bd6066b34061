package dev.lanyard.admin.key;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.TestDouble;

/**
 * A {@link KeyAdministration} in memory: a next, an active and a retired key after a
 * reset. Records rotations; changes no key.
 */
public class InMemoryKeyAdministration implements KeyAdministration, TestDouble {

	private final List<KeyView> keys = new ArrayList<>();

	private final List<Actor> rotations = new ArrayList<>();

	private final List<Actor> emergencyRotations = new ArrayList<>();

	private final List<String> withdrawn = new ArrayList<>();

	@Override
	public void reset() {
		this.keys.clear();
		this.keys.add(TestKeyViews.next("kid-next"));
		this.keys.add(TestKeyViews.active("kid-active"));
		this.keys.add(TestKeyViews.retired("kid-retired"));
		this.rotations.clear();
		this.emergencyRotations.clear();
		this.withdrawn.clear();
	}

	@Override
	public boolean untouched() {
		return this.rotations.isEmpty() && this.emergencyRotations.isEmpty();
	}

	@Override
	public List<KeyView> keys() {
		return List.copyOf(this.keys);
	}

	@Override
	public Instant rotate(Actor actor) {
		this.rotations.add(actor);
		return TestKeyViews.NEXT_SIGNS_FROM;
	}

	@Override
	public boolean withdraw(String kid, Actor actor) {
		boolean present = this.keys.removeIf((key) -> key.kid().equals(kid));
		if (present) {
			this.emergencyRotations.add(actor);
			this.withdrawn.add(kid);
		}
		return present;
	}

	/** The keys withdrawn, in order. */
	public List<String> withdrawn() {
		return List.copyOf(this.withdrawn);
	}

	/** Who asked for each ordinary rotation. */
	public List<Actor> rotations() {
		return List.copyOf(this.rotations);
	}

	/** Who asked for each emergency rotation. */
	public List<Actor> emergencyRotations() {
		return List.copyOf(this.emergencyRotations);
	}

}
