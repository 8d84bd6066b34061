package dev.lanyard.server.user;

import java.util.UUID;

import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsPasswordService;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

/**
 * Loads accounts for the hosted login page by login name, and stores a re-hashed password
 * when the encoder asks for an upgrade after a successful login.
 */
@Service
public class LanyardUserDetailsService implements UserDetailsService, UserDetailsPasswordService {

	private final JdbcUserAccountRepository users;

	public LanyardUserDetailsService(JdbcUserAccountRepository users) {
		this.users = users;
	}

	@Override
	public UserDetails loadUserByUsername(String username) {
		return this.users.findByLoginNameForSignIn(username)
			.map(LanyardUser::of)
			.orElseThrow(() -> new UsernameNotFoundException("No such account"));
	}

	/**
	 * Replaces the hash a sign-in just checked with its upgrade (Argon2id), only if it is
	 * still the account's: a password set meanwhile (by the person, a reset link or an
	 * administrator) stays, where the upgrade of the old password used to undo it.
	 */
	@Override
	public UserDetails updatePassword(UserDetails user, String newPassword) {
		UUID id = UUID.fromString(user.getUsername());
		this.users.upgradePasswordHash(id, user.getPassword(), newPassword);
		return ((LanyardUser) user).withPasswordHash(newPassword);
	}

}
