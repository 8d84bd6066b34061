package dev.lanyard.admin.key;

import java.time.Instant;
import java.util.List;

import dev.lanyard.admin.Actor;

/** Port: the signing keys and rotating them. Implemented by the server. */
public interface KeyAdministration {

	/** Every key, newest first. */
	List<KeyView> keys();

	/**
	 * Rotates as soon as every verifier can know the next key: it starts signing (now, or
	 * at the time returned if it has not been published long enough), the active one
	 * retires (still published until its tokens expire), and a new next key is published.
	 * Asking again before then changes nothing.
	 * @return when the next key starts (or started) signing
	 */
	Instant rotate(Actor actor);

	/**
	 * Withdraws a key from the JWKS at once, for a key that leaked, whatever its state:
	 * tokens it signed stop verifying once verifiers re-read the JWKS. The active key's
	 * withdrawal makes the next key sign at once (verifiers that have not fetched it yet
	 * refuse new tokens until they do); a retired key's only unpublishes it. A key
	 * already withdrawn is left as it is.
	 * @param kid the key to withdraw
	 * @return whether it was there to withdraw
	 */
	boolean withdraw(String kid, Actor actor);

}
