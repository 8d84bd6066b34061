package dev.lanyard.server.login;

import java.util.function.Supplier;

import dev.lanyard.server.storage.BackendBreakers;
import dev.lanyard.server.web.StorageFailureFilter;

import org.springframework.security.authentication.InternalAuthenticationServiceException;

/**
 * Bounds password guessing (OWASP ASVS 5.0 §6.3.1; v4.0.3 §2.2.1: no more than 100 failed
 * attempts per hour on one account) without letting one address lock an account for
 * everyone (OWASP "Slow down online guessing attacks with device cookies"):
 * <ul>
 * <li>every password check takes a slot of its client address first; a throttled address
 * is refused before anything else is counted;</li>
 * <li>then a slot of the account, counted apart for each browser that signed in to it
 * before (its device cookie) and together for all unknown devices. Someone hammering an
 * account from elsewhere exhausts only the unknown devices' slots; its owner's browsers
 * keep their own.</li>
 * </ul>
 * A successful check gives its slots back. Slots expire with the window, so there is no
 * permanent lockout. Taking a slot is atomic, so concurrent attempts on several nodes
 * cannot exceed the bounds. Keys are fixed-size digests ({@link LoginAttempt}).
 * Implementations are thread-safe.
 */
public interface LoginThrottle {

	/**
	 * Takes the slots for a password check.
	 * @return {@code false} when the address or the account (for this device) has used
	 * its slots for the window
	 */
	boolean tryAcquire(LoginAttempt attempt);

	/** Gives back the slots of an attempt that succeeded. */
	void release(LoginAttempt attempt);

	/** Clears an account's counter for unknown devices (an administrator unlocked it). */
	void reset(String loginName);

	/**
	 * Runs a check that took the attempt's slots ({@link #tryAcquire}). A check the
	 * server could not make — its storage out, or too many password checks at once —
	 * gives the slots back and fails as it did, unwrapped from the sign-in's own
	 * {@link InternalAuthenticationServiceException}, so it is answered 503 (try again)
	 * rather than counted as a wrong answer: people retrying through a database failover
	 * used to spend their budget and be throttled for the rest of the window.
	 * @param attempt the attempt whose slots were taken
	 * @param check the check
	 * @return what the check returned
	 */
	default <T> T checking(LoginAttempt attempt, Supplier<T> check) {
		try {
			return check.get();
		}
		catch (RuntimeException ex) {
			if (!BackendBreakers.isOutage(ex) && !StorageFailureFilter.busy(ex)) {
				throw ex;
			}
			try {
				release(attempt);
			}
			catch (RuntimeException releaseFailed) {
				// The counters' store is out as well: the slots expire with the window.
			}
			throw (ex instanceof InternalAuthenticationServiceException
					&& ex.getCause() instanceof RuntimeException cause) ? cause : ex;
		}
	}

}
