package dev.lanyard.server.login;

import java.util.Locale;

/**
 * Bounds password guessing (OWASP ASVS 5.0 §6.3.1; v4.0.3 §2.2.1: no more than 100 failed
 * attempts per hour on one account). Every password check takes a slot, per account and
 * per client address, before the password is evaluated; a successful login gives its slots
 * back. Slots expire with the window, so there is no permanent lockout. Taking a slot is
 * atomic, so concurrent attempts on several nodes cannot exceed the bound. Implementations
 * are thread-safe.
 */
public interface LoginThrottle {

	/**
	 * The account key every caller counts under: the login name as typed, lower-cased, so
	 * "Alice" and "alice" share one bound.
	 */
	static String accountKey(String loginName) {
		return String.valueOf(loginName).toLowerCase(Locale.ROOT);
	}

	/**
	 * Takes a slot for a password check.
	 * @param account the {@link #accountKey account key}
	 * @param address the client address; may be {@code null}
	 * @return {@code false} when the account or address has used its slots for the window
	 */
	boolean tryAcquire(String account, String address);

	/** Gives back the slots of an attempt that succeeded. */
	void release(String account, String address);

	/** Clears an account's counter (an administrator unlocked it). */
	void reset(String account);

}
