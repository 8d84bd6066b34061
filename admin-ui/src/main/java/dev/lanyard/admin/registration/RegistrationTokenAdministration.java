package dev.lanyard.admin.registration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.lanyard.admin.Actor;

/**
 * Initial access tokens for dynamic client registration (RFC 7591 §3), as the console and
 * the admin API manage them. Implemented by the server.
 */
public interface RegistrationTokenAdministration {

	/** The most registrations one token may allow. */
	int MAXIMUM_USES = 1000;

	/** The longest a token may be valid. */
	Duration MAXIMUM_LIFETIME = Duration.ofDays(30);

	/** The tokens still usable, newest first; never their values. */
	List<TokenView> usable();

	/**
	 * Creates a token; audited.
	 * @return the token and its value in clear, shown once
	 * @throws dev.lanyard.admin.InvalidInputException if the description, uses or
	 * lifetime are out of range
	 */
	CreatedToken create(String description, int uses, Duration lifetime, Actor actor);

	/**
	 * Revokes a token; audited.
	 * @throws dev.lanyard.admin.NotFoundException if there is none
	 */
	void revoke(String id, Actor actor);

	/**
	 * A token as kept.
	 *
	 * @param id its id
	 * @param description what it is for
	 * @param createdBy who created it
	 * @param usesLeft how many registrations it still allows
	 * @param expiresAt when it expires
	 */
	record TokenView(String id, String description, String createdBy, int usesLeft, Instant expiresAt) {
	}

	/**
	 * A new token.
	 *
	 * @param token what is kept of it
	 * @param value its value, shown once
	 */
	record CreatedToken(TokenView token, String value) {

		@Override
		public String toString() {
			return "CreatedToken[" + this.token + "]";
		}

	}

}
