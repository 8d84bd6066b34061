package dev.lanyard.server.user;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * What a new password must be (OWASP ASVS 5.0 §6.2): at least 8 characters, at most 256
 * (64 and more are accepted), no composition rules, not a commonly used password, not the
 * username. Passwords are taken exactly as typed: no trimming, no case folding.
 */
@Component
public class PasswordPolicy {

	public static final int MINIMUM_LENGTH = 8;

	public static final int MAXIMUM_LENGTH = 256;

	private final Set<String> common;

	public PasswordPolicy() {
		this.common = loadCommonPasswords();
	}

	/**
	 * Checks a candidate password.
	 * @param password the password as typed
	 * @param username the account's username; may be {@code null}
	 * @return the message key of the first rule broken, or empty when acceptable
	 */
	public Optional<String> check(String password, String username) {
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
		return Optional.empty();
	}

	private static Set<String> loadCommonPasswords() {
		Set<String> passwords = new HashSet<>();
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
		return Set.copyOf(passwords);
	}

}
