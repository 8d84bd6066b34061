package dev.lanyard.server.secondfactor;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.token.TokenHash;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * One-time recovery codes, for a person who lost their authenticator: {@value #COUNT}
 * codes of 120 random bits each, shown once when made; only their SHA-256 is stored (ASVS
 * 5.0 6.5.2: a lookup secret of 112 bits or more may be stored with a plain approved
 * hash), and each is good once (6.5.1). Codes are written as six groups of four letters
 * and digits (RFC 4648's base32 alphabet, in lower case); case, spaces and dashes do not
 * matter when one is typed.
 */
@Repository
public class RecoveryCodes {

	static final int COUNT = 10;

	private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

	private static final int LENGTH = 24;

	private static final SecureRandom random = new SecureRandom();

	private final JdbcClient jdbc;

	private final JdbcUserAccountRepository accounts;

	RecoveryCodes(JdbcClient jdbc, JdbcUserAccountRepository accounts) {
		this.jdbc = jdbc;
		this.accounts = accounts;
	}

	/**
	 * New codes for the person, replacing every earlier one. One replacement at a time
	 * per person (their account row locked): two at once (a form sent twice) each deleted
	 * what was there before either inserted, and left twenty codes good, ten of them
	 * never shown.
	 */
	@Transactional
	public List<String> replace(UUID userId) {
		this.accounts.lockAgainstConcurrentChanges(userId);
		return replaceLocked(userId);
	}

	/**
	 * New codes for the person if they have none left unused (their first second factor),
	 * judged under the same lock as {@link #replace}: a set another request just showed
	 * is not replaced unseen.
	 * @return the new codes, or empty if the person still had some
	 */
	@Transactional
	public Optional<List<String>> replaceIfNoneLeft(UUID userId) {
		this.accounts.lockAgainstConcurrentChanges(userId);
		return (remaining(userId) == 0) ? Optional.of(replaceLocked(userId)) : Optional.empty();
	}

	private List<String> replaceLocked(UUID userId) {
		removeAll(userId);
		List<String> codes = new ArrayList<>(COUNT);
		for (int i = 0; i < COUNT; i++) {
			StringBuilder code = new StringBuilder(LENGTH + 5);
			for (int c = 0; c < LENGTH; c++) {
				if (c > 0 && c % 4 == 0) {
					code.append('-');
				}
				code.append(ALPHABET[random.nextInt(ALPHABET.length)]);
			}
			codes.add(code.toString());
			this.jdbc.sql("INSERT INTO recovery_codes (code_hash, user_id) VALUES (?, ?)")
				.params(TokenHash.of(normalized(code.toString())), userId)
				.update();
		}
		return codes;
	}

	/**
	 * Uses one of the person's codes.
	 * @return whether it was one of theirs, not used before
	 */
	public boolean use(UUID userId, String typed) {
		String code = normalized(typed);
		if (code.length() != LENGTH) {
			return false;
		}
		return this.jdbc
			.sql("UPDATE recovery_codes SET used_at = now() WHERE code_hash = ? AND user_id = ? AND used_at IS NULL")
			.params(TokenHash.of(code), userId)
			.update() == 1;
	}

	/** How many unused codes the person has left. */
	public int remaining(UUID userId) {
		return this.jdbc.sql("SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL")
			.param(userId)
			.query(Long.class)
			.single()
			.intValue();
	}

	public void removeAll(UUID userId) {
		this.jdbc.sql("DELETE FROM recovery_codes WHERE user_id = ?").param(userId).update();
	}

	private static String normalized(String typed) {
		if (typed == null || typed.length() > 64) {
			return "";
		}
		return typed.replaceAll("[\\s-]", "").toLowerCase(Locale.ROOT);
	}

}
