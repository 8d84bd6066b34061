package dev.lanyard.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.nimbusds.jose.util.JSONObjectUtils;

import org.junit.jupiter.api.Test;

class StrictJsonParserTest {

	private static Map<String, Object> parse(String text) throws ParseException {
		return StrictJsonParser.parseObject(text.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void parseObjectWhenValidThenValuesMappedLikeNimbus() throws Exception {
		Map<String, Object> json = parse(" {\"s\":\"x\\\"y\\\\z\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\","
				+ "\"i\":-42,\"z\":-0,\"big\":12345678901234567890,\"d\":1.5e2,\"t\":true,\"f\":false,\"n\":null,"
				+ "\"a\":[1,[2,{}],\"\"],\"o\":{\"k\":[]},\"\":\"empty name\"}\r\n\t");
		assertThat(json.get("s")).isEqualTo("x\"y\\z/\b\f\n\r\té\uD83D\uDE00");
		assertThat(json.get("i")).isEqualTo(-42L);
		assertThat(json.get("z")).isEqualTo(0L);
		assertThat(json.get("big")).isEqualTo(1.2345678901234567E19);
		assertThat(json.get("d")).isEqualTo(150.0);
		assertThat(json.get("t")).isEqualTo(true);
		assertThat(json.get("f")).isEqualTo(false);
		assertThat(json).containsEntry("n", null);
		assertThat(json.get("a")).isEqualTo(List.of(1L, List.of(2L, Map.of()), ""));
		assertThat(json.get("o")).isEqualTo(Map.of("k", List.of()));
		assertThat(json.get("")).isEqualTo("empty name");
		assertThat(json.keySet()).startsWith("s", "i", "z");
		assertThatThrownBy(() -> json.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> ((List<Object>) json.get("a")).add(1))
			.isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void parseObjectWhenNotStrictJsonThenParseException() {
		List<String> invalid = List.of("", " ", "[]", "\"s\"", "null", "1", "{", "}", "{}}", "{} {}", "{},",
				"{\"a\":1,}", "{\"a\":[1,]}", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":'x'}", "{\"a\":01}",
				"{\"a\":1.}", "{\"a\":.5}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":+1}", "{\"a\":NaN}", "{\"a\":Infinity}",
				"{\"a\":1e999}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":True}", "{\"a\":\"x\ny\"}", "{\"a\":\"\u0000\"}",
				"{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"\\ud800\"}",
				"{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\\'\"}", "{\"a\":\"unterminated}",
				"{\"a\":1 /* c */}", "{\"a\":1}// c", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}",
				"{\"s\\u0075b\":1,\"sub\":2}", "{\u00a0\"a\":1}", "{\"a\":1}\u0000", "{\"a\"\u000b:1}");
		for (String text : invalid) {
			assertThatExceptionOfType(ParseException.class).as(text).isThrownBy(() -> parse(text));
		}
	}

	@Test
	void parseObjectWhenNestedBeyondLimitThenParseExceptionWithoutStackOverflow() throws Exception {
		String ok = "{\"x\":" + "[".repeat(StrictJsonParser.MAX_DEPTH - 1) + "]".repeat(StrictJsonParser.MAX_DEPTH - 1)
				+ "}";
		assertThat(parse(ok)).containsKey("x");
		String tooDeep = "{\"x\":" + "[".repeat(StrictJsonParser.MAX_DEPTH) + "]".repeat(StrictJsonParser.MAX_DEPTH)
				+ "}";
		assertThatExceptionOfType(ParseException.class).isThrownBy(() -> parse(tooDeep));
		String hostile = "{\"x\":" + "{\"y\":".repeat(1_000_000);
		assertThatExceptionOfType(ParseException.class).isThrownBy(() -> parse(hostile));
	}

	@Test
	void parseObjectWhenBytesAreNotUtf8ThenParseException() throws Exception {
		assertThat(parse("{\"name\":\"Ren\u00e9e \u4e2d\"}").get("name")).isEqualTo("Ren\u00e9e \u4e2d");
		byte[][] invalid = { { '{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}' },
				{ '{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}' },
				{ '{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}' }, // CESU
																									// surrogate
				{ '{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}' }, // overlong
																						// '/'
				{ '{', '"', 'a', '"', ':', '"', '\\', 'n', (byte) 0xFF, '"', '}' },
				{ '{', '"', 'a', '"', ':', (byte) 0xC3, (byte) 0xA9, '}' } };
		for (byte[] bytes : invalid) {
			assertThatExceptionOfType(ParseException.class).isThrownBy(() -> StrictJsonParser.parseObject(bytes));
		}
	}

	@Test
	void parseObjectWhenErrorThenMessageHasOffsetButNoContent() {
		assertThatExceptionOfType(ParseException.class).isThrownBy(() -> parse("{\"secret-value\":\"sk_live_1234\" x}"))
			.withMessageContaining("offset")
			.withMessageNotContaining("sk_live")
			.withMessageNotContaining("secret");
	}

	/**
	 * Differential test against nimbus-jose-jwt's parser (Gson, strict): whatever this
	 * parser accepts, nimbus accepts with the same value, so the server (which writes
	 * tokens with nimbus) and the services cannot read a token differently. The reverse
	 * is deliberately not true: this parser also refuses duplicates, lone surrogates and
	 * deep nesting.
	 */
	@Test
	void parseObjectWhenFuzzedThenAcceptedSubsetOfNimbusWithEqualValues() {
		Random random = new Random(8259);
		String[] corpus = {
				"{\"iss\":\"http://localhost:9000\",\"sub\":\"u1\",\"aud\":[\"internal\"],\"exp\":1800000300,"
						+ "\"scope\":\"openid profile\",\"roles\":[\"user\",\"admin\"],\"x\":{\"y\":[1.5,-2e3,true,null]}}",
				"{\"a\":\"\\u00e9\\n\\\"\",\"b\":[[],{}],\"c\":0,\"d\":-0.0,\"e\":1E+2}",
				"{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}" };
		String alphabet = "{}[]\",:.-+eE0123456789 \t\n\\/ubtnrfalsxyz\u00e9\u0001";
		int accepted = 0;
		for (int i = 0; i < 30_000; i++) {
			StringBuilder text = new StringBuilder(corpus[random.nextInt(corpus.length)]);
			for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
				int at = random.nextInt(text.length() + 1);
				switch (random.nextInt(3)) {
					case 0 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
					case 1 -> {
						if (at < text.length()) {
							text.deleteCharAt(at);
						}
					}
					default -> {
						if (at < text.length()) {
							text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
						}
					}
				}
			}
			Map<String, Object> ours;
			try {
				ours = parse(text.toString());
			}
			catch (ParseException e) {
				continue;
			}
			catch (RuntimeException e) {
				throw new AssertionError("unexpected " + e + " for " + text, e);
			}
			accepted++;
			Map<String, Object> nimbus;
			try {
				nimbus = JSONObjectUtils
					.parse(new String(text.toString().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
			}
			catch (ParseException e) {
				throw new AssertionError("accepted here but not by nimbus: " + text, e);
			}
			assertThat(ours).as(text.toString()).isEqualTo(nimbus);
		}
		assertThat(accepted).as("the fuzzer also produces valid JSON").isGreaterThan(1_000);
	}

}
