package dev.lanyard.server.storage;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one warning per interval, for failures that can repeat on every request (a
 * backend that fails some calls without its breaker opening): the first is logged at
 * once, the rest of the interval is quiet. Thread-safe.
 */
public final class WarningInterval {

	private static final long NEVER = Long.MIN_VALUE;

	private final long intervalNanos;

	private final LongSupplier nanoTime;

	// nanoTime of the last warning let through.
	private final AtomicLong last = new AtomicLong(NEVER);

	public WarningInterval(Duration interval) {
		this(interval, System::nanoTime);
	}

	WarningInterval(Duration interval, LongSupplier nanoTime) {
		this.intervalNanos = interval.toNanos();
		this.nanoTime = nanoTime;
	}

	/** Whether a warning may be logged now; {@code true} for one caller per interval. */
	public boolean due() {
		long now = this.nanoTime.getAsLong();
		long previous = this.last.get();
		return (previous == NEVER || now - previous >= this.intervalNanos) && this.last.compareAndSet(previous, now);
	}

}
