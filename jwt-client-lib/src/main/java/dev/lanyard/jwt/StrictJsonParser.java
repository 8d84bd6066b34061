package dev.lanyard.jwt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser for JOSE headers and JWT claims sets, reading UTF-8 bytes: exactly
 * RFC 8259, and stricter where leniency would let two parsers read one token differently.
 *
 * <ul>
 * <li>the text is one JSON object, with nothing but whitespace after it;</li>
 * <li>the text is valid UTF-8 (RFC 8259 §8.1); non-ASCII bytes may appear only inside
 * strings;</li>
 * <li>duplicate member names are rejected at every level (RFC 7515 §5.2, RFC 7519 §4
 * allow it; accepting "last wins" invites parser differentials);</li>
 * <li>no comments, single quotes, unquoted names, trailing commas, leading zeros,
 * {@code NaN} or infinities; control characters must be escaped;</li>
 * <li>escaped lone surrogates are rejected (RFC 7493 §2.1);</li>
 * <li>nesting deeper than {@value #MAX_DEPTH} is rejected, so recursion stays
 * shallow.</li>
 * </ul>
 *
 * <p>
 * Values map as in nimbus-jose-jwt: objects to {@link Map}, arrays to {@link List} (both
 * unmodifiable), strings to {@link String}, integers to {@link Long} (to {@link Double}
 * when out of range), other numbers to {@link Double}, {@code true}/{@code false} to
 * {@link Boolean}, {@code null} to {@code null}. {@code StrictJsonParserTest} checks, by
 * differential fuzzing, that whatever this parser accepts nimbus reads identically.
 *
 * <p>
 * It exists for speed on the verification hot path: it reads the decoded bytes once and
 * builds the immutable result directly, several times cheaper than decoding to a string,
 * running a general-purpose parser and copying the result. Thread-safe (each call has its
 * own state).
 */
final class StrictJsonParser {

	/**
	 * Deepest nesting accepted: claims are flat; 32 leaves room for any reasonable
	 * extension.
	 */
	static final int MAX_DEPTH = 32;

	// Member names every token carries: returned as shared constants rather than new
	// strings.
	private static final String[] KNOWN_NAMES = { ClaimNames.ISSUER, ClaimNames.SUBJECT, ClaimNames.AUDIENCE,
			ClaimNames.EXPIRES_AT, ClaimNames.ISSUED_AT, ClaimNames.NOT_BEFORE, ClaimNames.JWT_ID, ClaimNames.CLIENT_ID,
			ClaimNames.SCOPE, ClaimNames.SESSION_ID, ClaimNames.AUTH_TIME, ClaimNames.PREFERRED_USERNAME,
			ClaimNames.ROLES, ClaimNames.TENANT, "alg", "typ", "kid" };

	private static final byte[][] KNOWN_NAME_BYTES = new byte[KNOWN_NAMES.length][];

	static {
		for (int i = 0; i < KNOWN_NAMES.length; i++) {
			KNOWN_NAME_BYTES[i] = KNOWN_NAMES[i].getBytes(StandardCharsets.US_ASCII);
		}
	}

	private final byte[] json;

	private int pos;

	private StrictJsonParser(byte[] json) {
		this.json = json;
	}

	/**
	 * Parses a JSON object.
	 * @param json the UTF-8 JSON text, not {@code null}; not modified
	 * @return the object as an unmodifiable, insertion-ordered map whose nested values
	 * are unmodifiable too
	 * @throws ParseException when the bytes are not exactly one valid JSON object in
	 * UTF-8; the message gives an offset, never content
	 */
	static Map<String, Object> parseObject(byte[] json) throws ParseException {
		StrictJsonParser parser = new StrictJsonParser(json);
		parser.skipWhitespace();
		if (parser.peek() != '{') {
			throw parser.error("Expected a JSON object");
		}
		Map<String, Object> object = parser.object(1);
		parser.skipWhitespace();
		if (parser.pos != json.length) {
			throw parser.error("Unexpected content after the JSON object");
		}
		return object;
	}

	private Object value(int depth) throws ParseException {
		int c = peek();
		switch (c) {
			case '{':
				return object(depth + 1);
			case '[':
				return array(depth + 1);
			case '"':
				return string();
			case 't':
				return literal("true", Boolean.TRUE);
			case 'f':
				return literal("false", Boolean.FALSE);
			case 'n':
				return literal("null", null);
			default:
				if (c == '-' || c >= '0' && c <= '9') {
					return number();
				}
				throw error("Unexpected character");
		}
	}

	private Map<String, Object> object(int depth) throws ParseException {
		checkDepth(depth);
		this.pos++; // '{'
		// Sized for a full claims set at the top level, so that it never rehashes.
		Map<String, Object> members = new LinkedHashMap<>(depth == 1 ? 32 : 8);
		skipWhitespace();
		if (peek() == '}') {
			this.pos++;
			return Collections.unmodifiableMap(members);
		}
		while (true) {
			if (peek() != '"') {
				throw error("Expected a member name");
			}
			String name = memberName();
			skipWhitespace();
			expect(':');
			skipWhitespace();
			int size = members.size();
			members.put(name, value(depth));
			if (members.size() == size) {
				throw error("Duplicate member name");
			}
			skipWhitespace();
			int c = next();
			if (c == '}') {
				return Collections.unmodifiableMap(members);
			}
			if (c != ',') {
				throw error("Expected ',' or '}'");
			}
			skipWhitespace();
		}
	}

	private List<Object> array(int depth) throws ParseException {
		checkDepth(depth);
		this.pos++; // '['
		List<Object> elements = new ArrayList<>();
		skipWhitespace();
		if (peek() == ']') {
			this.pos++;
			return Collections.unmodifiableList(elements);
		}
		while (true) {
			elements.add(value(depth));
			skipWhitespace();
			int c = next();
			if (c == ']') {
				return Collections.unmodifiableList(elements);
			}
			if (c != ',') {
				throw error("Expected ',' or ']'");
			}
			skipWhitespace();
		}
	}

	private String memberName() throws ParseException {
		byte[] b = this.json;
		int start = this.pos + 1;
		for (int k = 0; k < KNOWN_NAME_BYTES.length; k++) {
			byte[] known = KNOWN_NAME_BYTES[k];
			int end = start + known.length;
			if (end < b.length && b[end] == '"' && b[start] == known[0]
					&& java.util.Arrays.equals(b, start, end, known, 0, known.length)) {
				this.pos = end + 1;
				return KNOWN_NAMES[k];
			}
		}
		return string();
	}

	private String string() throws ParseException {
		byte[] b = this.json;
		int start = ++this.pos; // after the opening quote
		boolean ascii = true;
		// Fast path: no escapes, the common case in tokens.
		for (int i = start; i < b.length; i++) {
			int c = b[i];
			if (c == '"') {
				this.pos = i + 1;
				return ascii ? new String(b, start, i - start, StandardCharsets.ISO_8859_1) : utf8(start, i);
			}
			if (c == '\\') {
				return escapedString(start);
			}
			if (c < 0x20) {
				if (c >= 0) {
					this.pos = i;
					throw error("Unescaped control character in string");
				}
				ascii = false; // a UTF-8 lead or continuation byte
			}
		}
		this.pos = b.length;
		throw error("Unterminated string");
	}

	// Escapes are ASCII, so the raw bytes up to the closing quote decode as UTF-8 first;
	// the
	// escapes are then resolved on characters.
	private String escapedString(int start) throws ParseException {
		byte[] b = this.json;
		int end = start;
		while (true) {
			if (end >= b.length) {
				this.pos = b.length;
				throw error("Unterminated string");
			}
			int c = b[end];
			if (c == '"') {
				break;
			}
			if (c >= 0 && c < 0x20) {
				this.pos = end;
				throw error("Unescaped control character in string");
			}
			end += c == '\\' ? 2 : 1;
		}
		String raw = utf8(start, end);
		StringBuilder out = new StringBuilder(raw.length());
		int i = 0;
		while (i < raw.length()) {
			char c = raw.charAt(i++);
			if (c != '\\') {
				out.append(c);
				continue;
			}
			this.pos = start; // errors below point at the string
			char e = raw.charAt(i++); // in range: the scan above skipped a byte after
										// each '\'
			switch (e) {
				case '"', '\\', '/' -> out.append(e);
				case 'b' -> out.append('\b');
				case 'f' -> out.append('\f');
				case 'n' -> out.append('\n');
				case 'r' -> out.append('\r');
				case 't' -> out.append('\t');
				case 'u' -> {
					char unit = hex4(raw, i);
					i += 4;
					if (Character.isHighSurrogate(unit)) {
						if (i + 6 > raw.length() || raw.charAt(i) != '\\' || raw.charAt(i + 1) != 'u'
								|| !Character.isLowSurrogate(hex4(raw, i + 2))) {
							throw error("Lone surrogate in string");
						}
						out.append(unit).append(hex4(raw, i + 2));
						i += 6;
					}
					else if (Character.isLowSurrogate(unit)) {
						throw error("Lone surrogate in string");
					}
					else {
						out.append(unit);
					}
				}
				default -> throw error("Invalid escape in string");
			}
		}
		this.pos = end + 1;
		return out.toString();
	}

	private char hex4(String raw, int at) throws ParseException {
		if (at + 4 > raw.length()) {
			throw error("Truncated \\u escape");
		}
		int value = 0;
		for (int k = at; k < at + 4; k++) {
			int digit = Character.digit(raw.charAt(k), 16);
			if (digit < 0) {
				throw error("Invalid \\u escape");
			}
			value = value << 4 | digit;
		}
		return (char) value;
	}

	private String utf8(int start, int end) throws ParseException {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(this.json, start, end - start))
				.toString();
		}
		catch (CharacterCodingException e) {
			this.pos = start;
			throw error("Invalid UTF-8 in string");
		}
	}

	// RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
	private Number number() throws ParseException {
		byte[] b = this.json;
		int start = this.pos;
		int i = start;
		if (b[i] == '-') {
			i++;
		}
		int intStart = i;
		long magnitude = 0;
		while (i < b.length && b[i] >= '0' && b[i] <= '9') {
			magnitude = magnitude * 10 + (b[i] - '0'); // exact up to 18 digits; used only
														// then
			i++;
		}
		if (i == intStart) {
			throw error("Invalid number");
		}
		if (b[intStart] == '0' && i - intStart > 1) {
			throw error("Leading zero in number");
		}
		boolean integer = true;
		if (i < b.length && b[i] == '.') {
			integer = false;
			int fracStart = ++i;
			i = digits(i);
			if (i == fracStart) {
				this.pos = i;
				throw error("Invalid number");
			}
		}
		if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
			integer = false;
			i++;
			if (i < b.length && (b[i] == '+' || b[i] == '-')) {
				i++;
			}
			int expStart = i;
			i = digits(i);
			if (i == expStart) {
				this.pos = i;
				throw error("Invalid number");
			}
		}
		this.pos = i;
		if (integer && i - intStart <= 18) {
			return start == intStart ? magnitude : -magnitude;
		}
		String literal = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
		if (integer) {
			try {
				return Long.parseLong(literal);
			}
			catch (NumberFormatException e) {
				// out of long range: fall through to double, as nimbus does
			}
		}
		double value = Double.parseDouble(literal);
		if (Double.isInfinite(value)) {
			throw error("Number out of range");
		}
		return value;
	}

	private int digits(int from) {
		int i = from;
		while (i < this.json.length && this.json[i] >= '0' && this.json[i] <= '9') {
			i++;
		}
		return i;
	}

	private Object literal(String word, Object value) throws ParseException {
		if (this.pos + word.length() > this.json.length) {
			throw error("Invalid literal");
		}
		for (int k = 0; k < word.length(); k++) {
			if (this.json[this.pos + k] != word.charAt(k)) {
				throw error("Invalid literal");
			}
		}
		this.pos += word.length();
		return value;
	}

	private void checkDepth(int depth) throws ParseException {
		if (depth > MAX_DEPTH) {
			throw error("Nesting deeper than " + MAX_DEPTH);
		}
	}

	// RFC 8259 §2: ws = space, horizontal tab, line feed, carriage return.
	private void skipWhitespace() {
		byte[] b = this.json;
		while (this.pos < b.length) {
			byte c = b[this.pos];
			if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				return;
			}
			this.pos++;
		}
	}

	private int peek() throws ParseException {
		if (this.pos >= this.json.length) {
			throw error("Unexpected end of JSON");
		}
		return this.json[this.pos];
	}

	private int next() throws ParseException {
		int c = peek();
		this.pos++;
		return c;
	}

	private void expect(char expected) throws ParseException {
		if (next() != expected) {
			this.pos--;
			throw error("Expected '" + expected + "'");
		}
	}

	// Messages carry a position, never content: the bytes may be an attacker's token.
	private ParseException error(String message) {
		return new ParseException(message + " at offset " + this.pos, this.pos);
	}

}
