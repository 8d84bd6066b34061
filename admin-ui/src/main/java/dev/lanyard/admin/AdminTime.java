package dev.lanyard.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the console shows instants and durations: UTC, to the second. Thread-safe. */
public final class AdminTime {

	/** The formatter every page uses. */
	public static final AdminTime UTC = new AdminTime();

	private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private AdminTime() {
	}

	/** The instant as {@code 2026-11-29 16:00:00 UTC}; empty for {@code null}. */
	public String format(Instant instant) {
		return (instant != null) ? FORMAT.format(instant) : "";
	}

	/** A duration as {@code 15m}, {@code 8h} or {@code 30d}. */
	public String format(Duration duration) {
		long seconds = duration.toSeconds();
		if (seconds % 86_400 == 0) {
			return (seconds / 86_400) + "d";
		}
		if (seconds % 3_600 == 0) {
			return (seconds / 3_600) + "h";
		}
		if (seconds % 60 == 0) {
			return (seconds / 60) + "m";
		}
		return seconds + "s";
	}

}
