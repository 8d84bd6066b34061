package dev.lanyard.server.user;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.nulabinc.zxcvbn.StandardDictionaries;
import com.nulabinc.zxcvbn.StandardKeyboards;
import com.nulabinc.zxcvbn.Zxcvbn;
import com.nulabinc.zxcvbn.ZxcvbnBuilder;
import com.nulabinc.zxcvbn.matchers.Dictionary;

import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * What a new password must be (OWASP ASVS 5.0 §6.2; NIST SP 800-63B §3.1.1.2): 8 to 256
 * characters, no composition rules, and not guessable. Guessability is judged by zxcvbn
 * (a kept estimator: dictionaries of common passwords, words and names, keyboard
 * patterns, repeats, sequences, dates and l33t substitutions) with Lanyard's own list of
 * breached passwords as one more ranked dictionary, and the username and e-mail address
 * as words an attacker would try first. A password must reach score
 * {@value #MINIMUM_SCORE} of 4 ("safely unguessable"). Passwords are taken exactly as
 * typed: no trimming, no case folding. Thread-safe.
 */
@Component
public class PasswordPolicy {

	public static final int MINIMUM_LENGTH = 8;

	public static final int MAXIMUM_LENGTH = 256;

	/** zxcvbn's score from 0 (too guessable) to 4 (very unguessable). */
	static final int MINIMUM_SCORE = 3;

	/**
	 * zxcvbn's matching grows quickly with length; a longer password is judged by its
	 * start.
	 */
	private static final int MEASURED_LENGTH = 100;

	private final Set<String> common;

	private final Zxcvbn estimator;

	public PasswordPolicy() {
		List<String> common = loadCommonPasswords();
		this.common = Set.copyOf(common);
		try {
			this.estimator = new ZxcvbnBuilder().dictionaries(StandardDictionaries.loadAllDictionaries())
				.dictionary(new Dictionary("lanyard-common-passwords", common))
				.keyboards(StandardKeyboards.loadAllKeyboards())
				.build();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Checks a candidate password.
	 * @param password the password as typed
	 * @param username the account's username; may be {@code null}
	 * @param email the account's e-mail address; may be {@code null}
	 * @return the message key of the first rule broken, or empty when acceptable
	 */
	public Optional<String> check(String password, String username, String email) {
		if (password == null || password.codePointCount(0, password.length()) < MINIMUM_LENGTH) {
			return Optional.of("password.too-short");
		}
		if (password.length() > MAXIMUM_LENGTH) {
			return Optional.of("password.too-long");
		}
		if (this.common.contains(password.toLowerCase(Locale.ROOT))) {
			return Optional.of("password.too-common");
		}
		if (username != null && password.equalsIgnoreCase(username)) {
			return Optional.of("password.same-as-username");
		}
		List<String> userInputs = new ArrayList<>(List.of("lanyard"));
		if (username != null) {
			userInputs.add(username);
		}
		if (email != null) {
			userInputs.add(email);
			userInputs.add(email.split("@", 2)[0]);
		}
		String measured = password.substring(0, Math.min(password.length(), MEASURED_LENGTH));
		if (this.estimator.measure(measured, userInputs).getScore() < MINIMUM_SCORE) {
			return Optional.of("password.too-guessable");
		}
		return Optional.empty();
	}

	private static List<String> loadCommonPasswords() {
		List<String> passwords = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(
				new ClassPathResource("common-passwords.txt").getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (!line.isBlank() && !line.startsWith("#")) {
					passwords.add(line.strip().toLowerCase(Locale.ROOT));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return List.copyOf(passwords);
	}

}
