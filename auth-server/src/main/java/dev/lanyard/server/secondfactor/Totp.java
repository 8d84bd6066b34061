package dev.lanyard.server.secondfactor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.OptionalLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords as authenticator apps make them: RFC 6238 with its
 * defaults (HMAC-SHA-1, 30-second steps from the Unix epoch, 6 digits; the HOTP value of
 * RFC 4226 §5.3 for the step number). A code is accepted for its own step and one step
 * either side (RFC 6238 §5.2: "at most one time step" of network delay and clock drift).
 * Whether a code was used before is the caller's question ({@link TotpAuthenticators}).
 */
final class Totp {

	static final int STEP_SECONDS = 30;

	static final int DIGITS = 6;

	/** RFC 4226 §4 R6: at least 128 bits; 160 is the length of an HMAC-SHA-1 key. */
	static final int SECRET_BYTES = 20;

	private static final int[] POWERS = { 1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000 };

	private Totp() {
	}

	/** The step a moment falls in (RFC 6238 §4.2, T0 = 0, X = 30). */
	static long step(Instant moment) {
		return Math.floorDiv(moment.getEpochSecond(), STEP_SECONDS);
	}

	/** The code for a step, with leading zeros. */
	static String code(byte[] secret, long step) {
		return code(secret, step, "HmacSHA1", DIGITS);
	}

	/** RFC 4226 §5.3 (dynamic truncation) over the step number, for the test vectors. */
	static String code(byte[] secret, long step, String algorithm, int digits) {
		byte[] hash;
		try {
			Mac mac = Mac.getInstance(algorithm);
			mac.init(new SecretKeySpec(secret, algorithm));
			hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(algorithm + " is part of every Java runtime", ex);
		}
		int offset = hash[hash.length - 1] & 0x0f;
		int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
				| ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
		String code = Integer.toString(binary % POWERS[digits]);
		return "0".repeat(digits - code.length()) + code;
	}

	/**
	 * The step whose code was typed, if any of the current step and the one either side
	 * has it. Every candidate is compared, in constant time.
	 */
	static OptionalLong matchingStep(byte[] secret, String typed, Instant now) {
		if (typed == null || typed.length() != DIGITS || !typed.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			return OptionalLong.empty();
		}
		byte[] given = typed.getBytes(StandardCharsets.US_ASCII);
		long current = step(now);
		OptionalLong match = OptionalLong.empty();
		for (long step = current - 1; step <= current + 1; step++) {
			if (MessageDigest.isEqual(code(secret, step).getBytes(StandardCharsets.US_ASCII), given)) {
				// The latest step with this code: using it moves the used-once mark
				// furthest.
				match = OptionalLong.of(step);
			}
		}
		return match;
	}

}
