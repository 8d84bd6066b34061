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

	@Override
	public void reset() {
		this.keys.clear();
		this.keys.add(TestKeyViews.next("kid-next"));
		this.keys.add(TestKeyViews.active("kid-active"));
		this.keys.add(TestKeyViews.retired("kid-retired"));
		this.rotations.clear();
		this.emergencyRotations.clear();
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
	public void rotateInEmergency(Actor actor) {
		this.emergencyRotations.add(actor);
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
