package dev.lanyard.server.user;

import java.util.Optional;
import java.util.UUID;

/**
 * The accounts that may still sign in and use what they were granted (enabled, not
 * locked), for code that must not act for anyone else.
 */
@FunctionalInterface
public interface ActiveUsers {

	/** The account, if it exists and is active. */
	Optional<UserAccount> find(UUID id);

}
