package dev.lanyard.admin.key;

import java.time.Instant;

/** {@link KeyView} fixtures: one key in each state of a rotation. */
public final class TestKeyViews {

	public static final Instant RETIRED_CREATED = Instant.parse("2026-01-01T00:00:00Z");

	public static final Instant ACTIVE_CREATED = Instant.parse("2026-02-01T00:00:00Z");

	public static final Instant NEXT_CREATED = Instant.parse("2026-03-01T00:00:00Z");

	public static final Instant NEXT_SIGNS_FROM = Instant.parse("2026-03-01T06:00:00Z");

	private TestKeyViews() {
	}

	/** Published, not yet signing; scheduled to sign from {@link #NEXT_SIGNS_FROM}. */
	public static KeyView next(String kid) {
		return new KeyView(kid, "RS256", "next", NEXT_CREATED, null, null, NEXT_SIGNS_FROM);
	}

	/** Signing since it was the next key. */
	public static KeyView active(String kid) {
		return new KeyView(kid, "RS256", "active", ACTIVE_CREATED, NEXT_CREATED, null, null);
	}

	/** No longer signing, still published. */
	public static KeyView retired(String kid) {
		return new KeyView(kid, "RS256", "retired", RETIRED_CREATED, ACTIVE_CREATED, NEXT_CREATED, null);
	}

}
