package dev.lanyard.server.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.storage.SqlValues;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** User accounts in PostgreSQL. */
@Repository
public class JdbcUserAccountRepository {

	private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() {
	};

	private static final TypeReference<LinkedHashMap<String, String>> CLAIMS = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final JsonMapper json = JsonMapper.builder().build();

	public JdbcUserAccountRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The account a typed or stored name belongs to, compared in canonical form
	 * ({@link LoginName}); none for a name no account can have (over-long).
	 */
	public Optional<UserAccount> findByLoginName(String name) {
		return byLoginName(name, "");
	}

	public Optional<UserAccount> findById(UUID id) {
		return this.jdbc.sql("SELECT * FROM users WHERE id = ?").param(id).query(this::map).optional();
	}

	/**
	 * The account a sign-in checks a password against, read once no change of it is in
	 * progress: a password change (which ends every sign-in begun before it) holds the
	 * row from its new password to its commit, and a sign-in that read the old password
	 * meanwhile began after the change's cut-off, so its session outlived the change.
	 */
	public Optional<UserAccount> findByLoginNameForSignIn(String name) {
		return byLoginName(name, " FOR SHARE");
	}

	private Optional<UserAccount> byLoginName(String name, String locking) {
		return LoginName.ofTyped(name)
			.flatMap((loginName) -> this.jdbc.sql("SELECT * FROM users WHERE login_name = ?" + locking)
				.param(loginName)
				.query(this::map)
				.optional());
	}

	/** The accounts with this e-mail address (any case). */
	public List<UUID> withEmail(String email) {
		return this.jdbc.sql("SELECT id FROM users WHERE lower(email) = lower(?) ORDER BY created_at")
			.param(email)
			.query(UUID.class)
			.list();
	}

	/** Users whose username or e-mail contains the text (any case), by username. */
	public List<UserAccount> search(String text, int limit, long offset) {
		return this.jdbc.sql("""
				SELECT * FROM users WHERE username ILIKE :pattern OR email ILIKE :pattern
				ORDER BY login_name LIMIT :limit OFFSET :offset""")
			.param("pattern", SqlValues.containsPattern(text))
			.param("limit", limit)
			.param("offset", offset)
			.query(this::map)
			.list();
	}

	public long countMatching(String text) {
		return this.jdbc.sql("SELECT count(*) FROM users WHERE username ILIKE :pattern OR email ILIKE :pattern")
			.param("pattern", SqlValues.containsPattern(text))
			.query(Long.class)
			.single();
	}

	public long count() {
		return this.jdbc.sql("SELECT count(*) FROM users").query(Long.class).single();
	}

	/**
	 * The enabled, unlocked accounts holding a role, their rows locked until the end of
	 * the transaction; taken in id order, so that two transactions taking them wait for
	 * each other rather than deadlock. A row another transaction changed meanwhile is
	 * counted as it is after that change.
	 */
	public List<UUID> lockActiveWithRole(String role) {
		return this.jdbc
			.sql("SELECT id FROM users WHERE ? = ANY(roles) AND enabled AND NOT locked ORDER BY id FOR UPDATE")
			.param(role)
			.query(UUID.class)
			.list();
	}

	/** How many accounts hold a role, enabled or not. */
	public long countWithRole(String role) {
		return this.jdbc.sql("SELECT count(*) FROM users WHERE ? = ANY(roles)").param(role).query(Long.class).single();
	}

	/** Whether an installation fact was recorded (V18). */
	public boolean hasFact(String name) {
		return this.jdbc.sql("SELECT count(*) FROM installation_facts WHERE name = ?")
			.param(name)
			.query(Long.class)
			.single() > 0;
	}

	/** Records an installation fact, once. */
	public void recordFact(String name) {
		this.jdbc.sql("INSERT INTO installation_facts (name) VALUES (?) ON CONFLICT (name) DO NOTHING")
			.param(name)
			.update();
	}

	public void insert(UserAccount user) {
		this.jdbc.sql("""
				INSERT INTO users (id, username, login_name, email, password_hash, enabled, locked, roles, attributes,
				claims) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)""")
			.params(user.id(), user.username(), LoginName.canonical(user.username()), user.email(), user.passwordHash(),
					user.enabled(), user.locked(), SqlValues.of(user.roles()),
					this.json.writeValueAsString(user.attributes()), this.json.writeValueAsString(user.claims()))
			.update();
	}

	/**
	 * Marks the account as created at a sign-in through the identity provider (V33): its
	 * username came from there.
	 */
	public void markProvisioned(UUID id, String providerId) {
		this.jdbc.sql("UPDATE users SET provisioned_by = ? WHERE id = ?").params(providerId, id).update();
	}

	/**
	 * The identity provider whose sign-in created the account, if one did.
	 */
	public Optional<String> provisionedBy(UUID id) {
		// Unmarked, by V33's rule (linked at its creation by a provider that creates
		// accounts): nodes of a version before V33 created accounts unmarked for as long
		// as they served beside newer ones, after V33 and V38 had marked the earlier
		// ones.
		return this.jdbc.sql("""
				SELECT coalesce(u.provisioned_by, (SELECT f.provider_id FROM federated_identities f
				  JOIN identity_providers p ON p.id = f.provider_id
				  WHERE f.user_id = u.id AND p.create_users AND f.linked_at < u.created_at + INTERVAL '1 minute'
				  ORDER BY f.linked_at LIMIT 1))
				FROM users u WHERE u.id = ?""")
			.param(id)
			.query((row, number) -> Optional.ofNullable(row.getString(1)))
			.optional()
			.flatMap((provider) -> provider);
	}

	/**
	 * Locks the account's row until the end of the transaction, against another change of
	 * what belongs to the person (their codes, links, consents) made at the same time, on
	 * any node. {@code FOR NO KEY UPDATE}: rows that refer to the account (a sign-in
	 * recorded meanwhile) are not held up.
	 */
	public void lockAgainstConcurrentChanges(UUID id) {
		this.jdbc.sql("SELECT 1 FROM users WHERE id = ? FOR NO KEY UPDATE").param(id).query().listOfRows();
	}

	/** The account, its row locked until the end of the transaction. */
	public Optional<UserAccount> findByIdForUpdate(UUID id) {
		return this.jdbc.sql("SELECT * FROM users WHERE id = ? FOR UPDATE").param(id).query(this::map).optional();
	}

	/** Replaces the account's standard claims only. */
	public void updateClaims(UUID id, Map<String, String> claims) {
		this.jdbc.sql("UPDATE users SET claims = ?::jsonb, updated_at = now() WHERE id = ?")
			.params(this.json.writeValueAsString(claims), id)
			.update();
	}

	/** Updates everything but the id and the password. */
	public void updateProfile(UserAccount user) {
		updateProfile(user, null);
	}

	/**
	 * Writes the account's profile if it is still the version it was read as.
	 * @param readAt when the account was last changed as it was read; {@code null} writes
	 * whatever it is now
	 * @return whether it was written (not: it changed since, or is gone)
	 */
	public boolean updateProfile(UserAccount user, Instant readAt) {
		return this.jdbc.sql("""
				UPDATE users SET username = ?, login_name = ?, email = ?, enabled = ?, locked = ?, roles = ?,
				attributes = ?::jsonb, claims = ?::jsonb, updated_at = now()
				WHERE id = ? AND (CAST(? AS TIMESTAMPTZ) IS NULL OR updated_at = CAST(? AS TIMESTAMPTZ))""")
			.params(user.username(), LoginName.canonical(user.username()), user.email(), user.enabled(), user.locked(),
					SqlValues.of(user.roles()), this.json.writeValueAsString(user.attributes()),
					this.json.writeValueAsString(user.claims()), user.id(), timestamp(readAt), timestamp(readAt))
			.update() == 1;
	}

	private static Timestamp timestamp(Instant instant) {
		return (instant != null) ? Timestamp.from(instant) : null;
	}

	/**
	 * Whether a sign-in session of the account may go on: the account is active, and
	 * every sign-in was not ended since this one was made.
	 *
	 * @param active enabled and not locked
	 * @param signInsNotBefore the last end of every sign-in, as stored; may be
	 * {@code null}
	 * @param sessionEnded whether the person ended this very session from elsewhere
	 * @param upstreamOpen for a sign-in through an identity provider: whether the
	 * provider is still enabled and the account still linked to it (disabling a provider
	 * in an incident, or unlinking, shuts out what came through it); {@code true} for
	 * other sign-ins
	 */
	public record Standing(boolean active, Instant signInsNotBefore, boolean sessionEnded, boolean upstreamOpen) {

		/**
		 * Whether the sign-in of {@code person} may go on. Its principal holds the end of
		 * every sign-in it read with the credential it checked (or the one it was carried
		 * past since): it goes on while the account holds that very value. A question of
		 * identity, not of order: nodes' clocks differ, and a session begun by a node
		 * ahead of the one that ended every sign-in used to outlive the end by the skew
		 * (SECURITY.md LG-23). A principal from an older node that did not keep the value
		 * is judged by when it began, {@code signedInAt}.
		 * @param signedInAt when the sign-in counts as begun, for an older principal; may
		 * be {@code null}
		 */
		public boolean allows(LanyardUser person, Instant signedInAt) {
			if (!this.active || this.sessionEnded || !this.upstreamOpen) {
				return false;
			}
			if (person.signInsNotBeforeKept()) {
				return Objects.equals(person.signInsNotBefore(), this.signInsNotBefore);
			}
			return this.signInsNotBefore == null || (signedInAt != null && !signedInAt.isBefore(this.signInsNotBefore));
		}

	}

	/** What a sign-in session of the account needs to go on; empty if it is gone. */
	public Optional<Standing> standing(UUID id) {
		return standing(id, null, null, null);
	}

	/**
	 * What a grant begun in the sign-in session {@code sid} needs to go on, read only (a
	 * grant's use is not the session's: its "last used" stays as it is).
	 * @param sid the session's identifier, or {@code null} when it has none
	 * @param identityProvider the provider the sign-in came through, or {@code null}
	 */
	public Optional<Standing> grantStanding(UUID id, String sid, String identityProvider) {
		return this.jdbc.sql("""
				SELECT enabled, locked, sign_ins_not_before,
				  EXISTS (SELECT 1 FROM sign_in_sessions WHERE sid = ? AND ended_at IS NOT NULL) AS session_ended,
				  %s AS upstream_open
				FROM users WHERE id = ?""".formatted(UPSTREAM_OPEN))
			.params(sid, identityProvider, identityProvider, id)
			.query(this::standingOf)
			.optional();
	}

	/**
	 * Whether the provider a sign-in came through (the parameter, twice; none: open) is
	 * still enabled and linked to the account: a column of a statement on {@code users}.
	 */
	private static final String UPSTREAM_OPEN = """
			(CAST(? AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM identity_providers p
			  JOIN federated_identities f ON f.provider_id = p.id
			  WHERE p.id = ? AND p.enabled AND f.user_id = users.id))""";

	/**
	 * What the sign-in session {@code sid} of the account needs to go on, in one
	 * statement that also notes the session as used (at most once a minute) and when its
	 * person last proved themselves in it (a renewal after a password change keeps the
	 * session: {@link dev.lanyard.server.login.SignInSessions}); empty if the account is
	 * gone.
	 * @param sid the session's identifier, or {@code null} when it has none
	 * @param signedInAt when the session counts as signed in for the person's list of
	 * sessions: when its person last proved themselves, or a later cut-off it was carried
	 * past ({@link dev.lanyard.server.login.LoginDetails#standingFrom}); or {@code null}
	 * @param identityProvider the provider the sign-in came through, or {@code null}
	 */
	public Optional<Standing> standing(UUID id, String sid, Instant signedInAt, String identityProvider) {
		// To the microsecond, as PostgreSQL keeps it (else every request would write).
		Timestamp proven = (signedInAt != null)
				? Timestamp.from(signedInAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS)) : null;
		return this.jdbc
			.sql("""
					WITH seen AS (
					  UPDATE sign_in_sessions
					  SET last_seen_at = now(), signed_in_at = greatest(signed_in_at, coalesce(CAST(? AS TIMESTAMPTZ), signed_in_at))
					  WHERE sid = ? AND user_id = ? AND ended_at IS NULL
					    AND (last_seen_at < now() - interval '1 minute' OR signed_in_at < CAST(? AS TIMESTAMPTZ))
					  RETURNING sid)
					SELECT enabled, locked, sign_ins_not_before,
					  EXISTS (SELECT 1 FROM sign_in_sessions WHERE sid = ? AND ended_at IS NOT NULL) AS session_ended,
					  %s AS upstream_open,
					  (SELECT count(*) FROM seen) AS seen
					FROM users WHERE id = ?"""
				.formatted(UPSTREAM_OPEN))
			.params(proven, sid, id, proven, sid, identityProvider, identityProvider, id)
			.query(this::standingOf)
			.optional();
	}

	/**
	 * Ends every sign-in of the account made so far: stamps a new end, by the database's
	 * clock and later than the last one, so that it differs from every value a sign-in
	 * read before. Not a change of the account's information ({@code updated_at}: OpenID
	 * Connect's claim, and the version an administrator's form was shown at), as a new
	 * password is not.
	 * @return the new end, as stored; empty if the account is gone
	 */
	public Optional<Instant> endSignIns(UUID id) {
		return this.jdbc.sql("""
				UPDATE users SET sign_ins_not_before = greatest(now(), sign_ins_not_before + interval '1 microsecond')
				WHERE id = ? RETURNING sign_ins_not_before""")
			.param(id)
			.query((rs, row) -> rs.getTimestamp(1).toInstant())
			.optional();
	}

	/**
	 * A standing from a row of enabled, locked, sign_ins_not_before, session_ended,
	 * upstream_open.
	 */
	private Standing standingOf(ResultSet rs, int row) throws SQLException {
		Timestamp notBefore = rs.getTimestamp("sign_ins_not_before");
		return new Standing(rs.getBoolean("enabled") && !rs.getBoolean("locked"),
				(notBefore != null) ? notBefore.toInstant() : null, rs.getBoolean("session_ended"),
				rs.getBoolean("upstream_open"));
	}

	/** Unlocks the account, nothing else. */
	public void unlock(UUID id) {
		this.jdbc.sql("UPDATE users SET locked = FALSE, updated_at = now() WHERE id = ? AND locked").param(id).update();
	}

	/**
	 * Replaces a hash by its upgrade (the same password, hashed as new hashes are), if it
	 * is still the account's. Not a new password: reset links and sessions stay.
	 */
	public void upgradePasswordHash(UUID id, String checkedHash, String upgradedHash) {
		this.jdbc.sql("UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?")
			.params(upgradedHash, id, checkedHash)
			.update();
	}

	/**
	 * A new password; reset links go. Leaves {@code updated_at} (see
	 * {@link #endSignInsBefore}): an administrator's form shown before a password reset
	 * still saves.
	 */
	public void updatePasswordHash(UUID id, String passwordHash) {
		this.jdbc.sql("UPDATE users SET password_hash = ? WHERE id = ?").params(passwordHash, id).update();
		usePasswordResets(id);
	}

	/**
	 * Uses up the account's outstanding password reset links: a link sent before a new
	 * password, or to an address the account no longer has, must not override it.
	 */
	public void usePasswordResets(UUID id) {
		this.jdbc.sql("UPDATE password_resets SET used_at = now() WHERE user_id = ? AND used_at IS NULL")
			.param(id)
			.update();
	}

	/** Uses up the account's outstanding e-mail verification links (a new address). */
	public void useEmailVerifications(UUID id) {
		this.jdbc.sql("UPDATE email_verifications SET used_at = now() WHERE user_id = ? AND used_at IS NULL")
			.param(id)
			.update();
	}

	private UserAccount map(ResultSet rs, int row) throws SQLException {
		return new UserAccount(rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("email"),
				rs.getString("password_hash"), rs.getBoolean("enabled"), rs.getBoolean("locked"),
				SqlValues.toList(rs.getArray("roles")), this.json.readValue(rs.getString("attributes"), ATTRIBUTES),
				this.json.readValue(rs.getString("claims"), CLAIMS), instant(rs.getTimestamp("created_at")),
				instant(rs.getTimestamp("updated_at")), instant(rs.getTimestamp("sign_ins_not_before")));
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
