package dev.lanyard.admin.user;

import java.time.Instant;
import java.util.List;

/**
 * A user's second factors as an administrator sees them: which kinds, never a secret.
 *
 * @param required whether every sign-in of the user must have two factors
 * ({@code mfa-required})
 * @param authenticatorApp whether the user has a confirmed authenticator app
 * @param recoveryCodesLeft how many unused recovery codes they have
 * @param passkeys their passkeys, by when they were added
 * @param blocked whether too many wrong codes one after the other stopped their codes
 * from being taken (until a reset)
 */
public record SecondFactorsView(boolean required, boolean authenticatorApp, int recoveryCodesLeft,
		List<Passkey> passkeys, boolean blocked) {

	public SecondFactorsView {
		passkeys = List.copyOf(passkeys);
	}

	/** Whether sign-in asks the user for a second factor. */
	public boolean any() {
		return this.authenticatorApp || !this.passkeys.isEmpty();
	}

	/**
	 * One passkey.
	 *
	 * @param label the name the user gave it
	 * @param created when it was added
	 * @param lastUsed when it last signed in, or {@code null}
	 */
	public record Passkey(String label, Instant created, Instant lastUsed) {
	}

}
