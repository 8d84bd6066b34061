package dev.lanyard.server.authorization;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbox ids a reader moved past without a row: outbox ids come from a sequence when
 * a row is inserted, but rows become visible when their transaction commits, in any
 * order, so a revocation committing after a newer one would otherwise never be read. A
 * gap is looked up again at every pass until its row appears or {@link #LATE_COMMIT} has
 * passed (its transaction rolled back, or the sequence skipped the number). Bounded to
 * {@value #MAXIMUM} gaps, the oldest given up first. Not thread-safe: one reader's.
 */
public final class OutboxGaps {

	/**
	 * How long a revoking transaction may take to commit and still be read (a bootstrap
	 * import revokes inside one transaction over every user).
	 */
	public static final Duration LATE_COMMIT = Duration.ofMinutes(10);

	private static final int MAXIMUM = 10_000;

	/** Each gap's id with when it was seen ({@link System#nanoTime()}). */
	private final Map<Long, Long> gaps = new LinkedHashMap<>();

	/** Remembers the ids between two rows read one after the other. */
	public void skipped(long before, long next) {
		long now = System.nanoTime();
		for (long id = Math.max(before + 1, next - MAXIMUM); id < next; id++) {
			this.gaps.put(id, now);
		}
		Iterator<Long> oldest = this.gaps.keySet().iterator();
		while (this.gaps.size() > MAXIMUM && oldest.hasNext()) {
			oldest.next();
			oldest.remove();
		}
	}

	/**
	 * The rows that appeared in earlier gaps since the last call; gaps older than
	 * {@link #LATE_COMMIT} are given up.
	 */
	public List<RevocationOutbox.Revocation> lateCommits(RevocationOutbox outbox) {
		if (this.gaps.isEmpty()) {
			return List.of();
		}
		List<RevocationOutbox.Revocation> late = outbox.withIds(this.gaps.keySet());
		late.forEach((revocation) -> this.gaps.remove(revocation.id()));
		long expired = System.nanoTime() - LATE_COMMIT.toNanos();
		this.gaps.values().removeIf((seen) -> seen - expired < 0);
		return late;
	}

	/** Forgets every gap (a reader starting afresh). */
	public void clear() {
		this.gaps.clear();
	}

}
