package dev.lanyard.admin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The signed-in administrator of the slice tests: always {@value #NAME}, whose password
 * is {@value #PASSWORD}. Records every password typed for a confirmation.
 */
public class TestAdminIdentity implements AdminIdentity, TestDouble {

	public static final String NAME = "alice";

	public static final String PASSWORD = "alice-password-1";

	public static final Actor ACTOR = new Actor("0d6b5c1e-admin", NAME, "127.0.0.1");

	private final List<String> confirmations = new ArrayList<>();

	@Override
	public Actor current() {
		return ACTOR;
	}

	@Override
	public boolean confirmPassword(String password) {
		this.confirmations.add(password);
		return PASSWORD.equals(password);
	}

	/** Every password typed for a confirmation, in order ({@code null} when none was). */
	public List<String> confirmations() {
		return Collections.unmodifiableList(new ArrayList<>(this.confirmations));
	}

	@Override
	public void reset() {
		this.confirmations.clear();
	}

	@Override
	public boolean untouched() {
		return this.confirmations.isEmpty();
	}

}
