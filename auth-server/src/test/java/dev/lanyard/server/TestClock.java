package dev.lanyard.server;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A clock a test sets. It reads the system time (to the microsecond, as PostgreSQL keeps
 * it) until {@link #set} is called, and again after {@link #reset}.
 */
public final class TestClock extends Clock {

	private volatile Instant instant;

	/** Stops the clock at the given instant. */
	public void set(Instant instant) {
		this.instant = instant;
	}

	/** Back to the system time. */
	public void reset() {
		this.instant = null;
	}

	@Override
	public Instant instant() {
		Instant fixed = this.instant;
		return (fixed != null) ? fixed : Instant.now().truncatedTo(ChronoUnit.MICROS);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	/** The same clock (set and reset through this one), seen in another zone. */
	@Override
	public Clock withZone(ZoneId zone) {
		TestClock clock = this;
		return new Clock() {

			@Override
			public Instant instant() {
				return clock.instant();
			}

			@Override
			public ZoneId getZone() {
				return zone;
			}

			@Override
			public Clock withZone(ZoneId other) {
				return clock.withZone(other);
			}

		};
	}

}
