package dev.lanyard.server.storage;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one warning per interval, for failures that can repeat on every request (a
 * backend that fails some calls without its breaker opening): the first is logged at
 * once, the rest of the interval is quiet. Thread-safe.
 */
public final class WarningInterval {

	private final long intervalNanos;

	// System.nanoTime() of the last warning let through; 0 before the first.
	private final AtomicLong last = new AtomicLong();

	public WarningInterval(Duration interval) {
		this.intervalNanos = interval.toNanos();
	}

	/** Whether a warning may be logged now; {@code true} for one caller per interval. */
	public boolean due() {
		long now = System.nanoTime();
		long previous = this.last.get();
		return (previous == 0 || now - previous >= this.intervalNanos) && this.last.compareAndSet(previous, now);
	}

}
