package dev.lanyard.jwt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * Reads the JSON of a JOSE header or a JWT claims set the way the verifier does:
 * nimbus-jose-jwt's parser ({@link JSONObjectUtils}, strict RFC 8259, nesting limited to
 * {@value #MAX_DEPTH} levels) plus the few checks it lacks, all of which keep two parsers
 * from reading one token differently.
 *
 * <ul>
 * <li>The bytes must be valid UTF-8 (RFC 8259 §8.1); nimbus would replace invalid bytes
 * with U+FFFD.</li>
 * <li>The text must be a JSON object; nimbus's parser also reads {@code [["name",value]]}
 * arrays and {@code null} as objects.</li>
 * <li>Duplicate member names are refused at every depth (RFC 7515 §5.2 and RFC 7519 §4
 * let a recipient refuse them). nimbus refuses them in the outermost object only: in
 * nested objects the last one silently wins ({@code JoseJsonTest} shows both).</li>
 * <li>Escaped lone surrogates (such as {@code \u005Cud800}) are refused (RFC 7493 §2.1):
 * they have no UTF-8 form, and parsers disagree on them.</li>
 * </ul>
 *
 * <p>
 * Values map as nimbus maps them: objects to {@link Map}, arrays to {@link List},
 * strings, {@link Long} (integers in range), {@link Double}, {@link Boolean} and
 * {@code null}. The result is unmodifiable at every depth. Thread-safe (stateless).
 */
final class JoseJson {

	/**
	 * Deepest nesting accepted: nimbus's parser refuses deeper documents (without
	 * recursion, so without a stack overflow).
	 */
	static final int MAX_DEPTH = 255;

	private JoseJson() {
	}

	/**
	 * Parses one JSON object.
	 * @param utf8 the UTF-8 text, not {@code null}; not modified
	 * @return the object, unmodifiable at every depth, in document order
	 * @throws ParseException when the bytes are not exactly one valid JSON object in
	 * UTF-8 or break a rule above; the message never quotes the content
	 */
	static Map<String, Object> parseObject(byte[] utf8) throws ParseException {
		String json = utf8Text(utf8);
		int start = 0;
		while (start < json.length() && isWhitespace(json.charAt(start))) {
			start++;
		}
		if (start == json.length() || json.charAt(start) != '{') {
			throw new ParseException("Not a JSON object", start);
		}
		Map<String, Object> parsed = JSONObjectUtils.parse(json);
		if (parsed == null) {
			throw new ParseException("Not a JSON object", start);
		}
		// Surrogates can only come from \\u escapes: the text itself is valid UTF-8.
		Walk walk = new Walk(json.indexOf('\\') >= 0);
		walk.members = parsed.size();
		Map<String, Object> object = new LinkedHashMap<>(Math.max(16, parsed.size() * 2));
		for (Map.Entry<String, Object> member : parsed.entrySet()) {
			walk.requireWholeSurrogates(member.getKey());
			object.put(member.getKey(), walk.freeze(member.getValue()));
		}
		// Without a nested object, nimbus's own check of the outermost object covers
		// every member.
		if (json.indexOf('{', start + 1) >= 0 && memberNames(json) != walk.members) {
			throw new ParseException("Duplicate member name in a nested object", 0);
		}
		return Collections.unmodifiableMap(object);
	}

	private static String utf8Text(byte[] utf8) throws ParseException {
		for (byte b : utf8) {
			if (b < 0) {
				try {
					return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8)).toString();
				}
				catch (CharacterCodingException e) {
					throw new ParseException("Not valid UTF-8", 0);
				}
			}
		}
		return new String(utf8, StandardCharsets.ISO_8859_1);
	}

	/**
	 * Counts the member names in a JSON text that the parser accepted: in valid JSON a
	 * string is a member name exactly when a colon follows it. The parser keeps one entry
	 * per distinct name, so more names here than entries in the result means a duplicate
	 * was merged.
	 */
	private static int memberNames(String json) {
		int names = 0;
		int length = json.length();
		for (int i = 0; i < length; i++) {
			if (json.charAt(i) != '"') {
				continue;
			}
			i++;
			while (json.charAt(i) != '"') {
				i += json.charAt(i) == '\\' ? 2 : 1;
			}
			int next = i + 1;
			while (next < length && isWhitespace(json.charAt(next))) {
				next++;
			}
			if (next < length && json.charAt(next) == ':') {
				names++;
			}
		}
		return names;
	}

	// RFC 8259 §2: space, horizontal tab, line feed, carriage return.
	private static boolean isWhitespace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r';
	}

	/**
	 * One pass over a parsed document: makes every container unmodifiable in place (the
	 * parser's fresh containers are never shared), counts member names and checks strings
	 * for lone surrogates.
	 */
	private static final class Walk {

		private final boolean escaped;

		private int members;

		private Walk(boolean escaped) {
			this.escaped = escaped;
		}

		@SuppressWarnings("unchecked")
		private Object freeze(Object value) throws ParseException {
			if (value instanceof String string) {
				requireWholeSurrogates(string);
			}
			else if (value instanceof List<?> list) {
				ListIterator<Object> elements = ((List<Object>) list).listIterator();
				while (elements.hasNext()) {
					elements.set(freeze(elements.next()));
				}
				return Collections.unmodifiableList(list);
			}
			else if (value instanceof Map<?, ?> map) {
				this.members += map.size();
				for (Map.Entry<String, Object> member : ((Map<String, Object>) map).entrySet()) {
					requireWholeSurrogates(member.getKey());
					member.setValue(freeze(member.getValue()));
				}
				return Collections.unmodifiableMap(map);
			}
			return value;
		}

		private void requireWholeSurrogates(String string) throws ParseException {
			if (!this.escaped) {
				return;
			}
			for (int i = 0; i < string.length(); i++) {
				char c = string.charAt(i);
				if (Character.isHighSurrogate(c) && i + 1 < string.length()
						&& Character.isLowSurrogate(string.charAt(i + 1))) {
					i++;
				}
				else if (Character.isSurrogate(c)) {
					throw new ParseException("Lone surrogate in a string", 0);
				}
			}
		}

	}

}
