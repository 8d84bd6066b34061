package dev.lanyard.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * Assertions shared by the attack tests: rejected, for the expected reason, quietly,
 * quickly.
 */
final class Rejections {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private Rejections() {
	}

	/**
	 * Asserts that the token is rejected with {@code reason} and that the exception
	 * message carries no part of the token (RFC 6750 §5.3 / JW-34: never echo the token).
	 */
	static JwtVerificationException assertRejected(JwtVerifier verifier, String token, Reason reason) {
		JwtVerificationException rejection = rejection(verifier, token);
		assertThat(rejection.reason()).as("reason for %s", rejection.getMessage()).isEqualTo(reason);
		assertNoTokenContent(rejection.getMessage(), token);
		return rejection;
	}

	static JwtVerificationException rejection(JwtVerifier verifier, String token) {
		try {
			SessionClaims claims = verifier.verify(token);
			return fail("Expected a rejection but the token verified: " + claims);
		}
		catch (JwtVerificationException e) {
			return e;
		}
		catch (Throwable e) {
			return fail("Expected only JwtVerificationException, got " + e, e);
		}
	}

	/** Returns the rejection, or {@code null} when the token verified. */
	static JwtVerificationException rejectionOrNull(JwtVerifier verifier, String token) {
		try {
			verifier.verify(token);
			return null;
		}
		catch (JwtVerificationException e) {
			return e;
		}
	}

	static void assertNoTokenContent(String text, String token) {
		if (token == null || text == null) {
			return;
		}
		for (String part : token.split("\\.")) {
			if (part.length() >= 8) {
				assertThat(text).doesNotContain(part.substring(0, 8));
			}
		}
	}

	/**
	 * Asserts the median CPU time of rejecting the token, after warm-up, stays under the
	 * budget (docs/SECURITY.md §3 targets < 5 ms per rejection).
	 */
	static void assertRejectedWithinCpuMillis(JwtVerifier verifier, String token, Reason reason, long budgetMillis) {
		for (int i = 0; i < 5; i++) {
			assertRejected(verifier, token, reason);
		}
		long[] samples = new long[15];
		for (int i = 0; i < samples.length; i++) {
			long start = THREADS.getCurrentThreadCpuTime();
			rejection(verifier, token);
			samples[i] = THREADS.getCurrentThreadCpuTime() - start;
		}
		Arrays.sort(samples);
		assertThat(samples[samples.length / 2] / 1_000_000.0).as("median CPU ms per rejection")
			.isLessThan(budgetMillis);
	}

}
