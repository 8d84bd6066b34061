package dev.lanyard.jwt;

import static dev.lanyard.jwt.Rejections.assertRejected;
import static dev.lanyard.jwt.Rejections.assertRejectedWithinCpuMillis;
import static dev.lanyard.jwt.Rejections.rejection;
import static dev.lanyard.jwt.TestJwts.b64;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * Hostile byte strings: truncated, non-base64, oversized and deeply nested inputs must
 * end in {@link JwtVerificationException} and nothing else, in bounded time
 * (docs/SECURITY.md §3: JW-16, JW-17, JW-26).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JwtVerifierMalformedInputTest {

	private static TestAuthorizationServer server;

	private static JwtVerifier verifier;

	/**
	 * Same rules, but a 1 MiB length cap so that the JSON parser itself faces the input.
	 */
	private static JwtVerifier uncapped;

	@BeforeAll
	static void startServer() {
		server = TestAuthorizationServer.start(TestKeys.RSA_K1, TestKeys.RSA_K2);
		verifier = JwtVerifier.builder().issuer(server.issuer()).build();
		uncapped = JwtVerifier.builder().issuer(server.issuer()).maxTokenLength(1_048_576).build();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private static TestJwts token() {
		return TestJwts.accessToken(server.issuer());
	}

	private static String nested(int depth) {
		return "{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
	}

	@Test
	void verifyWhenNullOrEmptyThenMalformed() {
		assertRejected(verifier, null, Reason.MALFORMED);
		assertRejected(verifier, "", Reason.MALFORMED);
		assertRejected(verifier, "..", Reason.MALFORMED);
		assertRejected(verifier, ".", Reason.MALFORMED);
	}

	@Test
	@DisplayName("JW-16 payload nested 10 000 and 100 000 levels: rejected, no StackOverflowError")
	void verifyWhenPayloadDeeplyNestedThenMalformedWithoutStackOverflow() {
		for (int depth : new int[] { 10_000, 100_000 }) {
			// Validly signed, so the payload really reaches the JSON parser.
			String signed = token().rawPayload(nested(depth)).build();
			assertRejected(verifier, signed, Reason.MALFORMED); // the length cap stops it
																// first
			assertRejectedWithinCpuMillis(uncapped, signed, Reason.MALFORMED, 50);
		}
	}

	@Test
	@DisplayName("JW-16 header nested 10 000 and 100 000 levels: rejected, no StackOverflowError")
	void verifyWhenHeaderDeeplyNestedThenMalformed() {
		for (int depth : new int[] { 10_000, 100_000 }) {
			String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\",\"x\":" + "[".repeat(depth)
					+ "]".repeat(depth) + "}";
			String forged = token().rawHeader(header).build();
			assertRejected(verifier, forged, Reason.MALFORMED);
			assertRejectedWithinCpuMillis(uncapped, forged, Reason.MALFORMED, 50);
		}
	}

	@Test
	@DisplayName("JW-16 the verifier still works after hostile nesting (thread and pool intact)")
	void verifyWhenNestingAttackDoneThenValidTokensStillVerify() throws Exception {
		rejection(uncapped, token().rawPayload(nested(100_000)).build());
		assertThat(uncapped.verify(token().build()).subject()).isEqualTo("u1");
	}

	@Test
	@DisplayName("JW-17 16 KB, 64 KB and 1 MB tokens are refused before any decoding")
	void verifyWhenTokenOversizedThenMalformedQuickly() {
		TestJwts jwt = token();
		for (int size : new int[] { 16 * 1024, 64 * 1024, 1024 * 1024 }) {
			String padding = "A".repeat(size);
			String oversized = jwt.encodedHeader() + "." + padding + "." + padding.substring(0, 342);
			JwtVerificationException rejection = assertRejected(verifier, oversized, Reason.MALFORMED);
			assertThat(rejection.getMessage()).contains("longer than 8192");
			assertRejectedWithinCpuMillis(verifier, oversized, Reason.MALFORMED, 5);
		}
		// Just under the cap the token is parsed normally (and fails on its signature,
		// not its size).
		String large = token().claim("pad", "x".repeat(5_000)).build();
		assertThat(large.length()).isLessThan(JwtVerifier.DEFAULT_MAX_TOKEN_LENGTH);
		int signature = large.lastIndexOf('.') + 1;
		char other = large.charAt(signature) == 'A' ? 'B' : 'A';
		assertRejected(verifier, large.substring(0, signature) + other + large.substring(signature + 1),
				Reason.BAD_SIGNATURE);
	}

	@Test
	@DisplayName("JW-26 padding, +/ characters, whitespace, wrong part count, empty or array header, bad UTF-8")
	void verifyWhenEncodingAbusedThenMalformed() {
		TestJwts jwt = token();
		String valid = jwt.build();
		String[] parts = valid.split("\\.");
		assertRejected(verifier, parts[0] + "==." + parts[1] + "." + parts[2], Reason.MALFORMED);
		assertRejected(verifier, parts[0] + "." + parts[1] + "." + parts[2] + "=", Reason.MALFORMED);
		// 342 signature characters + "==" is correctly padded base64: still refused (RFC
		// 7515 §2).
		assertThat(parts[2].length() % 4).isEqualTo(2);
		assertRejected(verifier, valid + "==", Reason.MALFORMED);
		assertRejected(verifier, parts[0] + "." + parts[1].replace('-', '+').replace('_', '/') + "+/." + parts[2],
				Reason.MALFORMED);
		assertRejected(verifier, parts[0] + ". " + parts[1] + "." + parts[2], Reason.MALFORMED);
		assertRejected(verifier, parts[0] + "." + parts[1] + "\n." + parts[2], Reason.MALFORMED);
		assertRejected(verifier, " " + valid, Reason.MALFORMED);
		assertRejected(verifier, parts[0] + "." + parts[1], Reason.MALFORMED);
		assertRejected(verifier, valid + ".AAAA", Reason.MALFORMED);
		assertRejected(verifier, "." + parts[1] + "." + parts[2], Reason.MALFORMED);
		assertRejected(verifier, b64("[{\"alg\":\"RS256\"}]") + "." + parts[1] + "." + parts[2], Reason.MALFORMED);
		assertRejected(verifier, b64("\"RS256\"") + "." + parts[1] + "." + parts[2], Reason.MALFORMED);
		assertRejected(verifier, b64("null") + "." + parts[1] + "." + parts[2], Reason.MALFORMED);
		byte[] badUtf8 = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\",\"x\":\"\u00ff\"}"
			.getBytes(StandardCharsets.ISO_8859_1);
		assertRejected(verifier, b64(badUtf8) + "." + parts[1] + "." + parts[2], Reason.MALFORMED);
		// RFC 4648 §3.5: a last character with non-zero unused bits would decode to the
		// same bytes;
		// such a token is a different string for the same signature, and is refused.
		String sig = parts[2];
		char last = sig.charAt(sig.length() - 1);
		char sibling = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
			.charAt("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(last) + 1);
		assertRejected(verifier, parts[0] + "." + parts[1] + "." + sig.substring(0, sig.length() - 1) + sibling,
				Reason.MALFORMED);
		// A base64url length that cannot exist (4n+1).
		assertRejected(verifier, parts[0] + "A." + parts[1] + "." + parts[2], Reason.MALFORMED);
		// Payload that is not JSON at all, validly signed.
		assertRejected(verifier, token().rawPayload("not json").build(), Reason.MALFORMED);
		assertRejected(verifier, token().rawPayload("{\"sub\":\"u1\"} trailing").build(), Reason.MALFORMED);
	}

	@Test
	@DisplayName("Every truncation of a valid token is rejected with JwtVerificationException only")
	void verifyWhenTokenTruncatedAtAnyLengthThenOnlyVerificationException() {
		String valid = token().build();
		for (int length = 0; length < valid.length(); length++) {
			rejection(verifier, valid.substring(0, length));
		}
	}

	@Test
	@DisplayName("Random bytes, random base64url parts and single-character edits never escape as other exceptions")
	void verifyWhenRandomInputThenOnlyVerificationException() {
		Random random = new Random(20_26);
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
		for (int i = 0; i < 2_000; i++) {
			char[] chars = new char[1 + random.nextInt(600)];
			for (int c = 0; c < chars.length; c++) {
				chars[c] = i % 2 == 0 ? (char) random.nextInt(0x3000)
						: alphabet.charAt(random.nextInt(alphabet.length()));
			}
			rejection(verifier, new String(chars));
		}
		String valid = token().build();
		for (int i = 0; i < 500; i++) {
			char[] chars = valid.toCharArray();
			chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
			String edited = new String(chars);
			if (!edited.equals(valid)) {
				rejection(verifier, edited);
			}
		}
		// Random JSON-ish headers with a real payload and signature.
		String[] parts = valid.split("\\.");
		String[] fragments = { "{", "}", "[", "]", "\"alg\"", ":", ",", "\"RS256\"", "null", "1e999", "\"kid\"",
				"\"typ\"", "\"at+jwt\"", "true", "\"\\u0000\"", "\"\\ud800\"" };
		for (int i = 0; i < 1_000; i++) {
			StringBuilder header = new StringBuilder();
			for (int f = random.nextInt(12); f >= 0; f--) {
				header.append(fragments[random.nextInt(fragments.length)]);
			}
			rejection(verifier, b64(header.toString()) + "." + parts[1] + "." + parts[2]);
		}
	}

	@Test
	@DisplayName("Rejections stay cheap: under 5 ms CPU for a forged signature")
	void verifyWhenForgedSignatureThenRejectedWithinBudget() {
		String forged = token().signedWith(TestKeys.ATTACKER).build();
		assertRejectedWithinCpuMillis(verifier, forged, Reason.BAD_SIGNATURE, 5);
	}

}
