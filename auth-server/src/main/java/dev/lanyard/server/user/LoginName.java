package dev.lanyard.server.user;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * The one canonical form of a login name, used for lookup, uniqueness, throttling and
 * audit alike: Unicode NFKC, then a locale-independent case fold, then NFKC again.
 * Computed here and nowhere else, so no two parts of Lanyard can disagree on whether two
 * spellings are one account (the database's {@code lower()} folded {@code İ} to {@code i}
 * while Java did not, which gave an account with k letters "i" 2^k throttle buckets).
 * <p>
 * The case fold is upper case then lower case in {@link Locale#ROOT}, which follows
 * Unicode full case folding where it matters ({@code ß}/{@code SS}, final sigma,
 * {@code ſ}) and never depends on the server's locale.
 */
public final class LoginName {

	/**
	 * The longest login name Lanyard reads. Longer ones are refused before any lookup,
	 * any throttle counter or any log line (stored usernames are at most 100 characters).
	 */
	public static final int MAXIMUM_LENGTH = 256;

	private LoginName() {
	}

	/** The canonical form of a name of at most {@link #MAXIMUM_LENGTH} characters. */
	public static String canonical(String name) {
		if (name.length() > MAXIMUM_LENGTH) {
			throw new IllegalArgumentException("Login name longer than " + MAXIMUM_LENGTH + " characters");
		}
		String folded = Normalizer.normalize(name, Normalizer.Form.NFKC)
			.toUpperCase(Locale.ROOT)
			.toLowerCase(Locale.ROOT);
		return Normalizer.normalize(folded, Normalizer.Form.NFKC);
	}

	/**
	 * The canonical form of what someone typed at a login form, or empty when it cannot
	 * be any account's name (missing, or longer than {@link #MAXIMUM_LENGTH}).
	 */
	public static Optional<String> ofTyped(String typed) {
		return (typed == null || typed.isEmpty() || typed.length() > MAXIMUM_LENGTH) ? Optional.empty()
				: Optional.of(canonical(typed));
	}

	/**
	 * Whether a new username is written in its normal form: names that NFKC would change
	 * (compatibility characters such as full-width letters or ligatures) are refused when
	 * an account is created, so what an administrator sees is what people type.
	 */
	public static boolean isNormalized(String username) {
		return Normalizer.isNormalized(username, Normalizer.Form.NFKC);
	}

}
