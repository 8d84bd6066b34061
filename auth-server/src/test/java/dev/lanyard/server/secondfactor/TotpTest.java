package dev.lanyard.server.secondfactor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 6238 time-based one-time passwords, against the RFC's own test vectors. */
class TotpTest {

	private static final byte[] SHA1_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] SHA256_SEED = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] SHA512_SEED = "1234567890123456789012345678901234567890123456789012345678901234"
		.getBytes(StandardCharsets.US_ASCII);

	/** RFC 6238 Appendix B: eight digits, every algorithm, the seeds above. */
	@ParameterizedTest
	@CsvSource({ "59, 94287082, 46119246, 90693936", "1111111109, 07081804, 68084774, 25091201",
			"1111111111, 14050471, 67062674, 99943326", "1234567890, 89005924, 91819424, 93441116",
			"2000000000, 69279037, 90698825, 38618901", "20000000000, 65353130, 77737706, 47863826" })
	void codeWhenRfc6238VectorsThenSame(long seconds, String sha1, String sha256, String sha512) {
		long step = Totp.step(Instant.ofEpochSecond(seconds));
		assertThat(Totp.code(SHA1_SEED, step, "HmacSHA1", 8)).isEqualTo(sha1);
		assertThat(Totp.code(SHA256_SEED, step, "HmacSHA256", 8)).isEqualTo(sha256);
		assertThat(Totp.code(SHA512_SEED, step, "HmacSHA512", 8)).isEqualTo(sha512);
	}

	/** What authenticator apps show: the last six digits of the same value. */
	@Test
	void codeWhenSixDigitsThenLastSixOfTheRfcValue() {
		assertThat(Totp.code(SHA1_SEED, Totp.step(Instant.ofEpochSecond(59)))).isEqualTo("287082");
		assertThat(Totp.code(SHA1_SEED, Totp.step(Instant.ofEpochSecond(1111111109)))).isEqualTo("081804");
	}

	/** RFC 6238 §5.2: the current step and one step either side, nothing further. */
	@Test
	void matchingStepWhenWithinOneStepThenThatStepElseNone() {
		Instant now = Instant.ofEpochSecond(1_234_567_890);
		long step = Totp.step(now);
		for (long offset = -1; offset <= 1; offset++) {
			assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step + offset), now)).hasValue(step + offset);
		}
		assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step - 2), now)).isEmpty();
		assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step + 2), now)).isEmpty();
	}

	@Test
	void matchingStepWhenNotSixDigitsThenNone() {
		Instant now = Instant.ofEpochSecond(59);
		String code = Totp.code(SHA1_SEED, Totp.step(now));
		assertThat(Totp.matchingStep(SHA1_SEED, code + "0", now)).isEmpty();
		assertThat(Totp.matchingStep(SHA1_SEED, code.substring(1), now)).isEmpty();
		assertThat(Totp.matchingStep(SHA1_SEED, "28708x", now)).isEmpty();
		assertThat(Totp.matchingStep(SHA1_SEED, "２８７０８２", now)).as("full-width digits").isEmpty();
		assertThat(Totp.matchingStep(SHA1_SEED, null, now)).isEmpty();
	}

}
