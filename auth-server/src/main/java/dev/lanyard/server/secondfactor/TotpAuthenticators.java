package dev.lanyard.server.secondfactor;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import dev.lanyard.server.key.MasterKey;

import org.apache.commons.codec.binary.Base32;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Each person's authenticator app (at most one): its shared secret, sealed with the
 * master key like signing keys (a copy of the database alone yields no secret), and the
 * step of the last code it accepted. An authenticator counts only once the person has
 * typed a first code from it (confirmation), within {@value #ENROLMENT_MINUTES} minutes,
 * so a QR code shown to someone else, or scanned wrongly, never becomes a way in.
 */
@Repository
public class TotpAuthenticators {

	/** Sealed for one account only: a secret copied to another row does not open. */
	private static final String PURPOSE = "totp-secret:";

	/** How long a secret shown for enrolment waits for its first code. */
	static final int ENROLMENT_MINUTES = 15;

	private static final SecureRandom random = new SecureRandom();

	private final JdbcClient jdbc;

	private final MasterKey masterKey;

	private final Clock clock;

	TotpAuthenticators(JdbcClient jdbc, MasterKey masterKey, Clock clock) {
		this.jdbc = jdbc;
		this.masterKey = masterKey;
		this.clock = clock;
	}

	/**
	 * A new secret for an authenticator still to be confirmed, replacing one that was
	 * never confirmed.
	 * @return the secret, or empty when the person already has a confirmed authenticator
	 * (it must be removed first)
	 */
	public Optional<byte[]> begin(UUID userId) {
		byte[] secret = new byte[Totp.SECRET_BYTES];
		random.nextBytes(secret);
		int stored = this.jdbc.sql("""
				INSERT INTO totp_authenticators (user_id, sealed_secret) VALUES (?, ?)
				ON CONFLICT (user_id) DO UPDATE SET sealed_secret = EXCLUDED.sealed_secret, created_at = now(),
				    last_used_step = -1
				WHERE totp_authenticators.confirmed_at IS NULL""")
			.params(userId, this.masterKey.seal(secret, PURPOSE + userId))
			.update();
		return (stored == 1) ? Optional.of(secret) : Optional.empty();
	}

	/** The secret of an authenticator waiting for its first code, while it may. */
	public Optional<byte[]> pending(UUID userId) {
		return pendingSealed(userId).map((sealed) -> open(userId, sealed));
	}

	/**
	 * Confirms the waiting authenticator with a first code from it: the very secret the
	 * code was checked against, should another enrolment have begun meanwhile.
	 * @return whether the code was right (and the authenticator now counts)
	 */
	public boolean confirm(UUID userId, String code) {
		Optional<byte[]> sealed = pendingSealed(userId);
		if (sealed.isEmpty()) {
			return false;
		}
		OptionalLong step = Totp.matchingStep(open(userId, sealed.get()), code, this.clock.instant());
		return step.isPresent() && this.jdbc.sql("""
				UPDATE totp_authenticators SET last_used_step = ?, confirmed_at = now()
				WHERE user_id = ? AND confirmed_at IS NULL AND sealed_secret = ?""")
			.params(step.getAsLong(), userId, sealed.get())
			.update() == 1;
	}

	/** Whether the person has a confirmed authenticator. */
	public boolean confirmed(UUID userId) {
		return this.jdbc.sql("SELECT count(*) FROM totp_authenticators WHERE user_id = ? AND confirmed_at IS NOT NULL")
			.param(userId)
			.query(Long.class)
			.single() > 0;
	}

	/** The secret of the person's confirmed authenticator, opened. */
	private Optional<byte[]> confirmedSecret(UUID userId) {
		return this.jdbc
			.sql("SELECT sealed_secret FROM totp_authenticators WHERE user_id = ? AND confirmed_at IS NOT NULL")
			.param(userId)
			.query(byte[].class)
			.optional()
			.map((sealed) -> open(userId, sealed));
	}

	/**
	 * Checks a code from the person's confirmed authenticator. A code is good once, on
	 * every node: it is accepted only by moving the step of the last accepted code
	 * forward, in one statement (RFC 6238 §5.2).
	 */
	public boolean verify(UUID userId, String code) {
		Optional<byte[]> secret = confirmedSecret(userId);
		if (secret.isEmpty()) {
			return false;
		}
		OptionalLong step = Totp.matchingStep(secret.get(), code, this.clock.instant());
		return step.isPresent() && this.jdbc.sql("""
				UPDATE totp_authenticators SET last_used_step = ?
				WHERE user_id = ? AND confirmed_at IS NOT NULL AND last_used_step < ?""")
			.params(step.getAsLong(), userId, step.getAsLong())
			.update() == 1;
	}

	/**
	 * The secret of an authenticator app a person brings from another provider, as apps
	 * and providers write it: base32 (RFC 4648 §6), any case, spaces and padding ignored;
	 * 128 bits or more (RFC 4226 §4 asks for 128 and recommends 160).
	 * @return the secret, or empty when the text is no such secret
	 */
	public static Optional<byte[]> importable(String base32) {
		if (base32 == null) {
			return Optional.empty();
		}
		String text = base32.replace(" ", "").replace("=", "").toUpperCase(java.util.Locale.ROOT);
		byte[] secret = text.matches("[A-Z2-7]+") ? new Base32().decode(text) : new byte[0];
		return (secret.length >= 16) ? Optional.of(secret) : Optional.empty();
	}

	/**
	 * Gives the person a confirmed authenticator with this secret (the bootstrap file or
	 * the admin API: a migration from another provider), unless it already has it.
	 * @return whether anything changed
	 */
	public boolean importSecret(UUID userId, byte[] secret) {
		Optional<byte[]> current = confirmedSecret(userId);
		if (current.isPresent() && java.security.MessageDigest.isEqual(current.get(), secret)) {
			return false;
		}
		this.jdbc.sql("""
				INSERT INTO totp_authenticators (user_id, sealed_secret, confirmed_at) VALUES (?, ?, now())
				ON CONFLICT (user_id) DO UPDATE SET sealed_secret = EXCLUDED.sealed_secret, created_at = now(),
				    confirmed_at = now(), last_used_step = -1, consecutive_failures = 0, trusted_device_failures = 0""")
			.params(userId, this.masterKey.seal(secret, PURPOSE + userId))
			.update();
		return true;
	}

	/** Removes the person's authenticator, confirmed or not. */
	public boolean remove(UUID userId) {
		return this.jdbc.sql("DELETE FROM totp_authenticators WHERE user_id = ?").param(userId).update() == 1;
	}

	/**
	 * Counts a wrong second factor against the authenticator: given from a browser the
	 * account trusts, or from anywhere else (counted apart, V31).
	 * @return the wrong ones given one after the other from there, this one included
	 */
	int failed(UUID userId, boolean fromTrustedDevice) {
		String column = failuresColumn(fromTrustedDevice);
		return this.jdbc
			.sql("UPDATE totp_authenticators SET " + column + " = " + column + " + 1 WHERE user_id = ? RETURNING "
					+ column)
			.param(userId)
			.query(Integer.class)
			.optional()
			.orElse(0);
	}

	/** Starts the counts of wrong ones anew, after a right one. */
	void succeeded(UUID userId) {
		this.jdbc.sql(
				"UPDATE totp_authenticators SET consecutive_failures = 0, trusted_device_failures = 0 WHERE user_id = ?")
			.param(userId)
			.update();
	}

	/**
	 * The wrong second factors given one after the other, from a browser the account
	 * trusts or from anywhere else.
	 */
	int consecutiveFailures(UUID userId, boolean fromTrustedDevice) {
		return this.jdbc
			.sql("SELECT " + failuresColumn(fromTrustedDevice) + " FROM totp_authenticators WHERE user_id = ?")
			.param(userId)
			.query(Integer.class)
			.optional()
			.orElse(0);
	}

	private static String failuresColumn(boolean fromTrustedDevice) {
		return fromTrustedDevice ? "trusted_device_failures" : "consecutive_failures";
	}

	private byte[] open(UUID userId, byte[] sealed) {
		return this.masterKey.open(sealed, PURPOSE + userId);
	}

	private Optional<byte[]> pendingSealed(UUID userId) {
		return this.jdbc.sql("""
				SELECT sealed_secret FROM totp_authenticators WHERE user_id = ? AND confirmed_at IS NULL
				AND created_at > now() - make_interval(mins => ?)""")
			.params(userId, ENROLMENT_MINUTES)
			.query(byte[].class)
			.optional();
	}

}
