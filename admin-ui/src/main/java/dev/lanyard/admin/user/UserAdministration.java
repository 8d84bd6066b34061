package dev.lanyard.admin.user;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.Page;

/**
 * Port: managing user accounts. Console and API both go through it. Implemented by the
 * server.
 */
public interface UserAdministration {

	/** Users whose username or e-mail contains the query (any case), by username. */
	Page<UserView> search(String query, int page, int size);

	/**
	 * @throws dev.lanyard.admin.NotFoundException if there is no such user
	 */
	UserView get(String id);

	/**
	 * Creates an account with a password that must pass the password policy.
	 * @throws dev.lanyard.admin.InvalidInputException if a rule is broken
	 * @throws dev.lanyard.admin.ConflictException if the username is taken
	 */
	UserView create(UserDraft draft, String password, Actor actor);

	/**
	 * Changes an account. Disabling or locking it revokes its sessions and tokens.
	 * @throws dev.lanyard.admin.InvalidInputException if a rule is broken
	 * @throws dev.lanyard.admin.ConflictException with the field {@code username} if the
	 * new username is taken; with
	 * {@link dev.lanyard.admin.ConflictException#CHANGED_MEANWHILE} if the draft says
	 * which version of the account it was made from ({@link UserDraft#seenAt()}) and the
	 * account changed since
	 */
	UserView update(String id, UserDraft draft, Actor actor);

	/**
	 * Sets a new password (it must pass the password policy).
	 * @param signOutEverywhere also revoke every session and token of the user
	 */
	void setPassword(String id, String password, boolean signOutEverywhere, Actor actor);

	/** Lifts an administrator's lock and the sign-in throttling of the account. */
	UserView unlock(String id, Actor actor);

	/**
	 * Removes the user's second factors (authenticator app, recovery codes, passkeys),
	 * for a lost phone or factors blocked by wrong codes: they sign in with their
	 * password and may set up new ones.
	 * @return whether the user had any
	 */
	boolean resetSecondFactors(String id, Actor actor);

	/**
	 * The user's second factors and whether every sign-in of theirs must have two
	 * ({@code mfa-required}).
	 * @throws dev.lanyard.admin.NotFoundException if there is no such user
	 */
	SecondFactorsView secondFactors(String id);

	/**
	 * Gives the user the authenticator app they already have (a migration from another
	 * provider): its shared secret in base32, 128 bits or more. Codes from it are then
	 * asked at sign-in.
	 * @throws dev.lanyard.admin.InvalidInputException ({@code totp_secret}) if the secret
	 * is not base32 of 128 bits or more
	 */
	void importAuthenticatorApp(String id, String base32Secret, Actor actor);

	/**
	 * Sets whether every sign-in of the user must have two factors: a session signed in
	 * with a password alone is then asked for the second, and a user without one is sent
	 * to set one up.
	 */
	void requireSecondFactor(String id, boolean required, Actor actor);

}
