package dev.lanyard.server;

/**
 * The rule for text a person reads as written: names and addresses shown on the hosted
 * pages, in the console, or released as claims. No control characters (but line breaks
 * where lines are allowed), no bidi overrides or isolates that would make a name display
 * as something else (Unicode TR #36 §2.4: "Corp‮elgoog" shows as another provider's
 * name), and no lone surrogates (not text; PostgreSQL would store something else). Other
 * format characters stay: joiners belong to names in many scripts.
 */
public final class PlainText {

	private PlainText() {
	}

	/** Whether the text is plain, on one line. */
	public static boolean isPlain(String value) {
		return plain(value, false);
	}

	/** Whether the text is plain, line breaks allowed. */
	public static boolean isPlainLines(String value) {
		return plain(value, true);
	}

	private static boolean plain(String value, boolean lines) {
		return value.codePoints()
			.noneMatch((c) -> (Character.isISOControl(c) && !(lines && (c == '\n' || c == '\r')))
					|| (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
					|| Character.getType(c) == Character.SURROGATE);
	}

}
