package dev.lanyard.server.user;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates and changes user accounts: the one place their rules are applied. */
@Service
public class UserService {

	private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{N}._@+-]{1,100}");

	private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

	private final JdbcUserAccountRepository users;

	private final PasswordEncoder passwordEncoder;

	private final PasswordPolicy passwordPolicy;

	public UserService(JdbcUserAccountRepository users, PasswordEncoder passwordEncoder,
			PasswordPolicy passwordPolicy) {
		this.users = users;
		this.passwordEncoder = passwordEncoder;
		this.passwordPolicy = passwordPolicy;
	}

	/**
	 * Creates the account, or brings an existing one (same username) in line with the
	 * given values; the password is re-hashed only when it differs from the stored one.
	 * Used by the bootstrap import, which must be idempotent.
	 * @return the stored account
	 */
	@Transactional
	public UserAccount importUser(String username, String password, String email, List<String> roles,
			Map<String, String> attributes, boolean enabled) {
		requireValid(username, roles);
		Optional<UserAccount> existing = this.users.findByUsername(username);
		if (existing.isEmpty()) {
			UserAccount created = new UserAccount(UUID.randomUUID(), username, email,
					this.passwordEncoder.encode(password), enabled, false, roles, attributes, Instant.now(),
					Instant.now());
			this.users.insert(created);
			return created;
		}
		UserAccount current = existing.get();
		UserAccount updated = new UserAccount(current.id(), username, email, current.passwordHash(), enabled,
				current.locked(), roles, attributes, current.createdAt(), current.updatedAt());
		this.users.updateProfile(updated);
		if (!this.passwordEncoder.matches(password, current.passwordHash())) {
			String hash = this.passwordEncoder.encode(password);
			this.users.updatePasswordHash(current.id(), hash);
			updated = updated.withPasswordHash(hash);
		}
		return updated;
	}

	/** Why a password would be refused for an account, as a message key; empty if acceptable. */
	public Optional<String> passwordProblem(String password, String username) {
		return this.passwordPolicy.check(password, username);
	}

	private static void requireValid(String username, List<String> roles) {
		if (username == null || !USERNAME.matcher(username).matches()) {
			throw new IllegalArgumentException("username must be 1 to 100 letters, digits or . _ @ + -");
		}
		for (String role : roles) {
			if (!ROLE.matcher(role).matches()) {
				throw new IllegalArgumentException("role '" + role + "' must be letters, digits or _ . : -");
			}
		}
	}

}
