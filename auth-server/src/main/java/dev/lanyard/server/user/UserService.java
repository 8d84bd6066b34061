package dev.lanyard.server.user;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.lanyard.server.AlreadyExistsException;
import dev.lanyard.server.ChangedMeanwhileException;
import dev.lanyard.server.ImportOutcome;
import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.PlainText;
import dev.lanyard.server.NoSuchEntityException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates and changes user accounts: the one place their rules are applied. */
@Service
public class UserService {

	/** The role that may use the admin console and API. */
	public static final String ADMINISTRATOR_ROLE = "admin";

	private static final String ADMINISTRATOR_FACT = "administrator";

	private static final Pattern USERNAME = Pattern.compile("[\\p{L}\\p{N}._@+-]{1,100}");

	private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

	private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");

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
	 * Used by the bootstrap import, which must be idempotent. Never an account created at
	 * a sign-in through an identity provider: its username was chosen from what the
	 * provider said, so by whoever controls that identity, and taking it over would hand
	 * them the file's roles and password.
	 * @return the account before (none if created) and after
	 * @throws InputRejectedException if a rule is broken, or the username names an
	 * account an identity provider's sign-in created
	 */
	@Transactional
	public Change importUser(String username, String password, String email, List<String> roles,
			Map<String, String> attributes, Map<String, String> standardClaims, boolean enabled) {
		requireValidProfile(username, email, roles, attributes);
		Optional<UserAccount> existing = this.users.findByLoginName(username);
		if (existing.isPresent() && this.users.provisionedBy(existing.get().id()).isPresent()) {
			throw new InputRejectedException("username", "username.provisioned-upstream");
		}
		// The claims the file names replace those of the account; the others stay (set
		// in the console or API), and a blank one removes it.
		Map<String, String> named = new LinkedHashMap<>(existing.map(UserAccount::claims).orElse(Map.of()));
		named.putAll(standardClaims);
		Map<String, String> claims = existing.isEmpty() ? StandardClaim.normalize(named)
				: StandardClaim.verificationKept(existing.get().email(), email, existing.get().claims(),
						StandardClaim.normalize(named), standardClaims.keySet());
		if (existing.isEmpty()) {
			UserAccount created = new UserAccount(UUID.randomUUID(), username, email,
					this.passwordEncoder.encode(password), enabled, false, roles, attributes, claims, Instant.now(),
					Instant.now());
			this.users.insert(created);
			return new Change(null, created);
		}
		UserAccount current = existing.get();
		UserAccount updated = new UserAccount(current.id(), username, email, current.passwordHash(), enabled,
				current.locked(), roles, attributes, claims, current.createdAt(), current.updatedAt(),
				current.signInsNotBefore());
		if (!updated.equals(current)) {
			this.users.updateProfile(updated);
		}
		if (!Objects.equals(current.email(), email)) {
			// As for a change in the console: links mailed to the old address go.
			this.users.usePasswordResets(current.id());
			this.users.useEmailVerifications(current.id());
		}
		if (!this.passwordEncoder.matches(password, current.passwordHash())) {
			String hash = this.passwordEncoder.encode(password);
			this.users.updatePasswordHash(current.id(), hash);
			updated = updated.withPasswordHash(hash);
		}
		return new Change(current, updated);
	}

	/**
	 * Creates an account; the password must pass the password policy.
	 * @throws InputRejectedException if a rule is broken
	 * @throws AlreadyExistsException if the username is taken
	 */
	@Transactional
	public UserAccount create(String username, String email, String password, boolean enabled, boolean locked,
			List<String> roles, Map<String, String> attributes, Map<String, String> standardClaims) {
		requireValidProfile(username, email, roles, attributes);
		Map<String, String> claims = StandardClaim.normalize((standardClaims != null) ? standardClaims : Map.of());
		this.passwordPolicy.check(password, username, email).ifPresent((problem) -> {
			throw new InputRejectedException("password", problem);
		});
		if (this.users.findByLoginName(username).isPresent()) {
			throw new AlreadyExistsException("username", "A user with this username exists");
		}
		Instant now = Instant.now();
		UserAccount created = new UserAccount(UUID.randomUUID(), username, email, this.passwordEncoder.encode(password),
				enabled, locked, roles, attributes, claims, now, now);
		try {
			this.users.insert(created);
		}
		catch (DuplicateKeyException ex) {
			throw new AlreadyExistsException("username", "A user with this username exists");
		}
		return created;
	}

	/**
	 * Creates an account without a password for a person who signed in through an
	 * upstream identity provider; they can set one later with a password reset. The
	 * account stays marked as the provider's: its username came from there.
	 * @param providerId the identity provider the person signed in with
	 * @throws InputRejectedException if a rule is broken
	 * @throws AlreadyExistsException if the username is taken
	 */
	@Transactional
	public UserAccount provision(String providerId, String username, String email, List<String> roles,
			Map<String, String> attributes, Map<String, String> standardClaims) {
		requireValidProfile(username, email, roles, attributes);
		Instant now = Instant.now();
		UserAccount created = new UserAccount(UUID.randomUUID(), username, email, null, true, false, roles, attributes,
				StandardClaim.normalize(standardClaims), now, now);
		try {
			this.users.insert(created);
		}
		catch (DuplicateKeyException ex) {
			throw new AlreadyExistsException("username", "A user with this username exists");
		}
		this.users.markProvisioned(created.id(), providerId);
		return created;
	}

	/** Whether a name would be taken as a username (format and normal form). */
	public static boolean acceptableUsername(String username) {
		return username != null && USERNAME.matcher(username).matches() && LoginName.isNormalized(username);
	}

	/** Whether an address would be taken as an account's e-mail address. */
	public static boolean acceptableEmail(String email) {
		// Shown on the account page and released as the email claim: plain text too.
		return email != null && EMAIL.matcher(email).matches() && PlainText.isPlain(email);
	}

	/** Whether a name would be taken as a role or an attribute's name. */
	public static boolean acceptableRole(String role) {
		return role != null && ROLE.matcher(role).matches();
	}

	/**
	 * Whether the account has a password of its own (an account created at a sign-in
	 * through an upstream identity provider has none until one is set).
	 */
	public boolean hasPassword(UUID id) {
		return this.users.findById(id).map((account) -> account.passwordHash() != null).orElse(false);
	}

	/**
	 * Unlocks an account, changing nothing else: a change another administrator made
	 * meanwhile (disabled, a role taken away, a new address) stays, where writing back
	 * the whole account as read a moment before undid it.
	 * @return the account as unlocked
	 */
	@Transactional
	public UserAccount unlock(UUID id) {
		this.users.unlock(id);
		return get(id);
	}

	/**
	 * Changes an account's profile and status (not its password). Standard claims
	 * {@code null} stay as they are. A changed e-mail address or phone number is no
	 * longer verified.
	 * @return the account before and after
	 */
	@Transactional
	public Change update(UUID id, String username, String email, boolean enabled, boolean locked, List<String> roles,
			Map<String, String> attributes, Map<String, String> standardClaims) {
		return update(id, username, email, enabled, locked, roles, attributes, standardClaims, null);
	}

	/**
	 * Changes an account made from the version of it last changed at {@code seenAt} (the
	 * console's form), or from the account as it is now ({@code null}). Either way it is
	 * written only if the account did not change meanwhile: every rule (the last
	 * administrator's among them) is judged against what is written over.
	 * @throws ChangedMeanwhileException if it did (nothing changed)
	 */
	@Transactional
	public Change update(UUID id, String username, String email, boolean enabled, boolean locked, List<String> roles,
			Map<String, String> attributes, Map<String, String> standardClaims, Instant seenAt) {
		UserAccount before = get(id);
		if (seenAt != null && !seenAt.equals(before.updatedAt())) {
			throw new ChangedMeanwhileException("The account changed since it was shown");
		}
		requireValidProfile(username, email, roles, attributes);
		Map<String, String> claims = (standardClaims != null)
				? StandardClaim.verificationKept(before.email(), email, before.claims(),
						StandardClaim.normalize(standardClaims), Set.of())
				: StandardClaim.verificationKept(before.email(), email, before.claims(), before.claims(), Set.of());
		this.users.findByLoginName(username).filter((other) -> !other.id().equals(id)).ifPresent((other) -> {
			throw new AlreadyExistsException("username", "A user with this username exists");
		});
		UserAccount after = new UserAccount(id, username, email, before.passwordHash(), enabled, locked, roles,
				attributes, claims, before.createdAt(), Instant.now(), before.signInsNotBefore());
		requireAnotherAdministratorIfWithdrawn(before, after);
		try {
			if (!this.users.updateProfile(after, before.updatedAt())) {
				throw new ChangedMeanwhileException("The account changed while this change was made");
			}
		}
		catch (DuplicateKeyException ex) {
			throw new AlreadyExistsException("username", "A user with this username exists");
		}
		if (!Objects.equals(before.email(), email)) {
			// Links mailed to the old address must not outlive the change.
			this.users.usePasswordResets(id);
			this.users.useEmailVerifications(id);
		}
		Change change = new Change(before, after);
		if (change.accessWithdrawn()) {
			// Its sign-in sessions end for good, not only while it stays disabled or
			// locked (checked at each request, an idle one came back with the account).
			endSignIns(id);
		}
		return change;
	}

	/**
	 * Refuses a change that would leave no one able to administer Lanyard: an active
	 * administrator (the role, enabled, not locked) who stops being one while no other
	 * remains. Setup never reopens once an administrator existed, so the console and the
	 * API would be closed for good (short of editing the database). The active
	 * administrators' rows are locked first, in one order, so two administrators taking
	 * the role from each other at once are one after the other: the second is refused.
	 */
	private void requireAnotherAdministratorIfWithdrawn(UserAccount before, UserAccount after) {
		if (!activeAdministrator(before) || activeAdministrator(after)) {
			return;
		}
		boolean anotherRemains = this.users.lockActiveWithRole(ADMINISTRATOR_ROLE)
			.stream()
			.anyMatch((other) -> !other.equals(before.id()));
		if (!anotherRemains) {
			String field = !after.roles().contains(ADMINISTRATOR_ROLE) ? "roles"
					: after.locked() ? "locked" : "enabled";
			throw new InputRejectedException(field, "user.last-administrator");
		}
	}

	/**
	 * Whether any account is an active administrator (the role, enabled, not locked): the
	 * rule the console and the API keep for each change, the bootstrap file for itself as
	 * a whole (the role may move from one entry to another in one edit).
	 */
	public boolean anyActiveAdministrator() {
		return !this.users.lockActiveWithRole(ADMINISTRATOR_ROLE).isEmpty();
	}

	private static boolean activeAdministrator(UserAccount account) {
		return account.enabled() && !account.locked() && account.roles().contains(ADMINISTRATOR_ROLE);
	}

	/**
	 * Changes some of the account's standard claims and nothing else, under the row's
	 * lock: what an administrator changed meanwhile (roles, enabled, a verification)
	 * stays. A blank value removes the claim; a verification stays only for the value it
	 * was made for.
	 * @param changes claim name to new value, for the claims being changed
	 * @return the names of the claims that changed
	 * @throws InputRejectedException naming each claim that breaks its rule
	 */
	@Transactional
	public Set<String> updateClaims(UUID id, Map<String, String> changes) {
		return updateClaims(id, changes, null);
	}

	/**
	 * {@link #updateClaims(UUID, Map)}, only while the account has the given e-mail
	 * address (checked under the row's lock); nothing when it has another.
	 * @param email the address the change is for; {@code null} for any
	 */
	@Transactional
	public Set<String> updateClaims(UUID id, Map<String, String> changes, String email) {
		UserAccount before = this.users.findByIdForUpdate(id).orElseThrow(() -> new NoSuchEntityException("User"));
		if (email != null && !email.equals(before.email())) {
			return Set.of();
		}
		Map<String, String> merged = new LinkedHashMap<>(before.claims());
		merged.putAll(changes);
		Map<String, String> after = StandardClaim.verificationKept(before.email(), before.email(), before.claims(),
				StandardClaim.normalize(merged), Set.of());
		Set<String> changed = new java.util.TreeSet<>();
		for (String name : merged.keySet()) {
			if (!Objects.equals(before.claims().get(name), after.get(name))) {
				changed.add(name);
			}
		}
		if (!changed.isEmpty()) {
			this.users.updateClaims(id, after);
		}
		return changed;
	}

	/**
	 * Ends every sign-in session of the account made so far, on every node at its next
	 * request (the session filter reads it).
	 * @return the end as stored ({@link UserAccount#signInsNotBefore}): a session that
	 * keeps it goes on
	 * @throws NoSuchEntityException if there is no such account
	 */
	public Instant endSignIns(UUID id) {
		return this.users.endSignIns(id).orElseThrow(() -> new NoSuchEntityException("User"));
	}

	/** Sets a new password, which must pass the password policy. */
	@Transactional
	public UserAccount setPassword(UUID id, String password) {
		UserAccount account = get(id);
		this.passwordPolicy.check(password, account.username(), account.email()).ifPresent((problem) -> {
			throw new InputRejectedException("password", problem);
		});
		String hash = this.passwordEncoder.encode(password);
		this.users.updatePasswordHash(id, hash);
		return account.withPasswordHash(hash);
	}

	/**
	 * @throws NoSuchEntityException if there is no such account
	 */
	public UserAccount get(UUID id) {
		return this.users.findById(id).orElseThrow(() -> new NoSuchEntityException("User"));
	}

	public List<UserAccount> search(String text, int limit, long offset) {
		return this.users.search(text, limit, offset);
	}

	public long countMatching(String text) {
		return this.users.countMatching(text);
	}

	/**
	 * Whether any account holds the administrator role, enabled, locked or not: the first
	 * administrator is made once, and locking or disabling administrators never reopens
	 * that.
	 */
	public boolean anAdministratorEverExisted() {
		if (this.users.hasFact(ADMINISTRATOR_FACT)) {
			return true;
		}
		if (this.users.countWithRole(ADMINISTRATOR_ROLE) > 0) {
			// Remembered for good: taking the role from everyone never reopens setup.
			this.users.recordFact(ADMINISTRATOR_FACT);
			return true;
		}
		return false;
	}

	/** Records that an administrator exists (the first was just made). */
	public void rememberAnAdministratorExisted() {
		this.users.recordFact(ADMINISTRATOR_FACT);
	}

	public long count() {
		return this.users.count();
	}

	/** Whether a password is the account's, checked at Argon2id cost. */
	public boolean passwordMatches(UUID id, String password) {
		return password != null && this.users.findById(id)
			.map((account) -> this.passwordEncoder.matches(password, account.passwordHash()))
			.orElse(false);
	}

	/**
	 * An account before and after a change.
	 *
	 * @param before as it was; {@code null} if the change created it
	 * @param after as it is now
	 */
	public record Change(UserAccount before, UserAccount after) {

		/** Whether the account was an active administrator and is one no longer. */
		public boolean administratorWithdrawn() {
			return this.before != null && activeAdministrator(this.before) && !activeAdministrator(this.after);
		}

		/** Whether the change took the account's access away (disabled or locked it). */
		public boolean accessWithdrawn() {
			return this.before != null && ((this.before.enabled() && !this.after.enabled())
					|| (!this.before.locked() && this.after.locked()));
		}

		/** Whether the account was created, changed or left as it was. */
		public ImportOutcome outcome() {
			if (this.before == null) {
				return ImportOutcome.CREATED;
			}
			return this.before.equals(this.after) ? ImportOutcome.UNCHANGED : ImportOutcome.UPDATED;
		}

		/** Whether the change replaced the account's password. */
		public boolean passwordReplaced() {
			return this.before != null && !Objects.equals(this.before.passwordHash(), this.after.passwordHash());
		}

		/**
		 * The names of the fields the change gave new values (never the values: an
		 * address, a claim), so the audit log says what an update did: an e-mail address
		 * changed hands the account over as a password does. Empty for a new account.
		 */
		public List<String> changedFields() {
			List<String> changed = new ArrayList<>();
			if (this.before == null) {
				return changed;
			}
			if (!Objects.equals(this.before.username(), this.after.username())) {
				changed.add("username");
			}
			if (!Objects.equals(this.before.email(), this.after.email())) {
				changed.add("email");
			}
			if (this.before.enabled() != this.after.enabled()) {
				changed.add("enabled");
			}
			if (this.before.locked() != this.after.locked()) {
				changed.add("locked");
			}
			if (!this.before.roles().equals(this.after.roles())) {
				changed.add("roles");
			}
			if (!this.before.attributes().equals(this.after.attributes())) {
				changed.add("attributes");
			}
			Set<String> claims = new TreeSet<>(this.before.claims().keySet());
			claims.addAll(this.after.claims().keySet());
			claims.stream()
				.filter((name) -> !Objects.equals(this.before.claims().get(name), this.after.claims().get(name)))
				.forEach((name) -> changed.add("claims." + name));
			if (passwordReplaced()) {
				changed.add("password");
			}
			return changed;
		}

	}

	/**
	 * Why a password would be refused for an account, as a message key; empty if
	 * acceptable.
	 */
	public Optional<String> passwordProblem(String password, String username, String email) {
		return this.passwordPolicy.check(password, username, email);
	}

	private static void requireValidProfile(String username, String email, List<String> roles,
			Map<String, String> attributes) {
		if (username == null || !USERNAME.matcher(username).matches()) {
			throw new InputRejectedException("username", "username.format");
		}
		if (!LoginName.isNormalized(username)) {
			// What an administrator sees must be what people type: no full-width letters,
			// ligatures or other compatibility forms (HD-03).
			throw new InputRejectedException("username", "username.normalization");
		}
		if (email != null && !acceptableEmail(email)) {
			throw new InputRejectedException("email", "email.format");
		}
		for (String role : roles) {
			if (!acceptableRole(role)) {
				throw new InputRejectedException("roles", "role.format");
			}
		}
		for (Map.Entry<String, String> attribute : attributes.entrySet()) {
			if (!acceptableRole(attribute.getKey()) || attribute.getValue().length() > 500) {
				throw new InputRejectedException("attributes", "attributes.format");
			}
		}
	}

}
