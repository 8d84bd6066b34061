package dev.lanyard.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import com.nimbusds.jose.util.JSONObjectUtils;

import org.junit.jupiter.api.Test;

/**
 * The JSON the verifier reads headers and payloads with: nimbus's parser plus the checks
 * it lacks ({@link JoseJson}).
 */
class JoseJsonTest {

	private static Map<String, Object> parse(String text) throws ParseException {
		return JoseJson.parseObject(text.getBytes(StandardCharsets.UTF_8));
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
		assertThatThrownBy(() -> ((List<Object>) ((List<Object>) json.get("a")).get(1)).add(1))
			.isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> ((Map<String, Object>) json.get("o")).put("k", 1))
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
				"{\"s\\u0075b\":1,\"sub\":2}", "{\u00a0\"a\":1}", "{\"a\":1}\u0000", "{\"a\"\u000b:1}",
				// nimbus's parser reads an array of [name, value] pairs as an object.
				"[[\"alg\",\"RS256\"]]", "{\"a\":[{\"k\":1,\"k\":2}]}", "{\"\\ud800\":1}");
		for (String text : invalid) {
			assertThatExceptionOfType(ParseException.class).as(text).isThrownBy(() -> parse(text));
		}
	}

	@Test
	void parseObjectWhenNestedBeyondLimitThenParseExceptionWithoutStackOverflow() throws Exception {
		String ok = "{\"x\":" + "[".repeat(JoseJson.MAX_DEPTH - 1) + "]".repeat(JoseJson.MAX_DEPTH - 1) + "}";
		assertThat(parse(ok)).containsKey("x");
		String tooDeep = "{\"x\":" + "[".repeat(JoseJson.MAX_DEPTH) + "]".repeat(JoseJson.MAX_DEPTH) + "}";
		assertThatExceptionOfType(ParseException.class).isThrownBy(() -> parse(tooDeep));
		String hostile = "{\"x\":" + "{\"y\":".repeat(1_000_000);
		assertThatExceptionOfType(ParseException.class).isThrownBy(() -> parse(hostile));
	}

	@Test
	void parseObjectWhenBytesAreNotUtf8ThenParseException() throws Exception {
		assertThat(parse("{\"name\":\"Ren\u00e9e \u4e2d\"}").get("name")).isEqualTo("Ren\u00e9e \u4e2d");
		byte[][] invalid = { { '{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}' },
				{ '{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}' },
				// CESU-8 surrogate
				{ '{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}' },
				// overlong '/'
				{ '{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}' },
				{ '{', '"', 'a', '"', ':', '"', '\\', 'n', (byte) 0xFF, '"', '}' },
				{ '{', '"', 'a', '"', ':', (byte) 0xC3, (byte) 0xA9, '}' } };
		for (byte[] bytes : invalid) {
			assertThatExceptionOfType(ParseException.class).isThrownBy(() -> JoseJson.parseObject(bytes));
		}
	}

	@Test
	void parseObjectWhenErrorThenMessageHasNoContent() {
		for (String text : List.of("{\"secret-value\":\"sk_live_1234\" x}",
				"{\"secret-value\":{\"sk_live_1234\":1,\"sk_live_1234\":2}}",
				"{\"secret-value\":\"\\udc00sk_live\"}")) {
			assertThatExceptionOfType(ParseException.class).isThrownBy(() -> parse(text))
				.withMessageNotContaining("sk_live")
				.withMessageNotContaining("secret");
		}
	}

	/**
	 * Differential test against nimbus-jose-jwt's parser (Gson, strict): whatever is
	 * accepted here, nimbus accepts with the same value, so the server (which writes
	 * tokens with nimbus) and the services cannot read a token differently. The reverse
	 * is deliberately not true: duplicates in nested objects, lone surrogates, invalid
	 * UTF-8 and arrays posing as objects are refused here.
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

	/**
	 * Why {@link JoseJson} checks member names itself: on random documents with duplicate
	 * names at every depth (names sometimes written with escapes), nimbus's parser
	 * refuses the duplicates of the outermost object only and silently keeps the last of
	 * a nested duplicate; {@code JoseJson} refuses both. Should nimbus start refusing
	 * nested duplicates, this test fails and the check in {@code JoseJson} can go.
	 */
	@Test
	void parseObjectWhenDuplicateMembersAtAnyDepthThenRefusedWhereNimbusAcceptsNested() throws Exception {
		Random random = new Random(7515);
		int unique = 0;
		int outermost = 0;
		int nestedOnly = 0;
		for (int i = 0; i < 20_000; i++) {
			Document document = new Document();
			document.object(random, 0, true);
			String text = document.text.toString();
			boolean nimbusAccepts;
			try {
				JSONObjectUtils.parse(text);
				nimbusAccepts = true;
			}
			catch (ParseException e) {
				nimbusAccepts = false;
			}
			if (!document.outermostDuplicate && !document.nestedDuplicate) {
				unique++;
				assertThat(parse(text)).as(text).isEqualTo(JSONObjectUtils.parse(text));
				continue;
			}
			assertThatExceptionOfType(ParseException.class).as(text).isThrownBy(() -> parse(text));
			if (document.outermostDuplicate) {
				outermost++;
				assertThat(nimbusAccepts).as("nimbus on %s", text).isFalse();
			}
			else {
				nestedOnly++;
				assertThat(nimbusAccepts).as("nimbus keeps the last of a nested duplicate in %s", text).isTrue();
			}
		}
		assertThat(unique).isGreaterThan(1_000);
		assertThat(outermost).isGreaterThan(1_000);
		assertThat(nestedOnly).isGreaterThan(1_000);
	}

	/** A random JSON document, and where it repeats a member name. */
	private static final class Document {

		private static final String[] NAMES = { "a", "b", "sub", "iss", "" };

		private final StringBuilder text = new StringBuilder();

		private boolean outermostDuplicate;

		private boolean nestedDuplicate;

		void object(Random random, int depth, boolean outermost) {
			this.text.append('{');
			Set<String> names = new HashSet<>();
			int members = random.nextInt(4);
			for (int m = 0; m < members; m++) {
				if (m > 0) {
					this.text.append(random.nextBoolean() ? "," : " ,\n");
				}
				String name = NAMES[random.nextInt(NAMES.length)];
				if (!names.add(name)) {
					this.outermostDuplicate |= outermost;
					this.nestedDuplicate |= !outermost;
				}
				this.text.append('"');
				for (char c : name.toCharArray()) {
					this.text.append(random.nextInt(4) == 0 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
				}
				this.text.append(random.nextBoolean() ? "\":" : "\" : ");
				value(random, depth + 1);
			}
			this.text.append('}');
		}

		private void value(Random random, int depth) {
			switch (random.nextInt(depth > 3 ? 3 : 5)) {
				case 0 -> this.text.append("\"v:\\\"{").append(random.nextInt(10)).append("}\\\"\"");
				case 1 -> this.text.append(random.nextInt(1000) - 500);
				case 2 -> this.text.append(random.nextBoolean() ? "null" : "true");
				case 3 -> object(random, depth, false);
				default -> {
					this.text.append('[');
					for (int e = random.nextInt(3); e > 0; e--) {
						value(random, depth + 1);
						this.text.append(e > 1 ? "," : "");
					}
					this.text.append(']');
				}
			}
		}

	}

}
