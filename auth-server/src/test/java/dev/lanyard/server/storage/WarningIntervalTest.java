package dev.lanyard.server.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WarningIntervalTest {

	@Test
	void dueWhenAskedAgainWithinTheIntervalThenNoUntilItHasPassed() {
		AtomicLong now = new AtomicLong(0);
		WarningInterval warnings = new WarningInterval(Duration.ofSeconds(10), now::get);
		assertThat(warnings.due()).isTrue();
		now.addAndGet(Duration.ofSeconds(9).toNanos());
		assertThat(warnings.due()).isFalse();
		now.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(warnings.due()).isTrue();
		assertThat(warnings.due()).isFalse();
	}

	@Test
	void dueWhenAskedByManyThreadsAtOnceThenOneWarning() throws Exception {
		WarningInterval warnings = new WarningInterval(Duration.ofMinutes(1));
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Boolean>> answers = new ArrayList<>();
			for (int i = 0; i < 64; i++) {
				answers.add(threads.submit(() -> {
					start.await();
					return warnings.due();
				}));
			}
			start.countDown();
			int due = 0;
			for (Future<Boolean> answer : answers) {
				due += answer.get(10, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(due).isEqualTo(1);
		}
		finally {
			threads.shutdownNow();
		}
	}

}
