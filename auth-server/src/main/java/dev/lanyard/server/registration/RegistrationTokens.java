package dev.lanyard.server.registration;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.token.OpaqueTokenValues;
import dev.lanyard.server.token.TokenHash;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Initial access tokens for dynamic client registration (RFC 7591 §3), in PostgreSQL:
 * created by an administrator, good for a number of registrations until they expire,
 * stored as SHA-256 only; and the registration access tokens of dynamically registered
 * clients (RFC 7592 §3). Thread-safe.
 */
@Repository
public class RegistrationTokens {

	/** The longest an initial access token may be valid. */
	public static final Duration MAXIMUM_LIFETIME = Duration.ofDays(30);

	/** The most registrations one initial access token may allow. */
	public static final int MAXIMUM_USES = 1000;

	private final JdbcClient jdbc;

	private final Clock clock;

	public RegistrationTokens(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/**
	 * Creates an initial access token.
	 * @return the token in clear, shown once, and what is kept of it
	 */
	public Created create(String description, int uses, Duration lifetime, String createdBy) {
		String token = OpaqueTokenValues.INITIAL_ACCESS_TOKEN.generate();
		InitialAccessToken kept = new InitialAccessToken(UUID.randomUUID().toString(), description, createdBy, uses,
				this.clock.instant().plus(lifetime));
		this.jdbc.sql("""
				INSERT INTO client_registration_tokens (id, token_hash, description, created_by, uses_left, expires_at)
				VALUES (?, ?, ?, ?, ?, ?)""")
			.params(kept.id(), TokenHash.of(token), description, createdBy, uses, Timestamp.from(kept.expiresAt()))
			.update();
		return new Created(kept, token);
	}

	/** The tokens still good, newest first; never their values. */
	public List<InitialAccessToken> usable() {
		return this.jdbc.sql("""
				SELECT id, description, created_by, uses_left, expires_at FROM client_registration_tokens
				WHERE uses_left > 0 AND expires_at > ? ORDER BY created_at DESC""")
			.param(Timestamp.from(this.clock.instant()))
			.query((rs, row) -> new InitialAccessToken(rs.getString("id"), rs.getString("description"),
					rs.getString("created_by"), rs.getInt("uses_left"), rs.getTimestamp("expires_at").toInstant()))
			.list();
	}

	/** Revokes a token; {@code false} if there was none. */
	public boolean revoke(String id) {
		return this.jdbc.sql("DELETE FROM client_registration_tokens WHERE id = ?").param(id).update() > 0;
	}

	/** Whether an initial access token is still good (nothing used). */
	boolean usable(String token) {
		return this.jdbc.sql("""
				SELECT count(*) FROM client_registration_tokens
				WHERE token_hash = ? AND uses_left > 0 AND expires_at > ?""")
			.params(TokenHash.of(token), Timestamp.from(this.clock.instant()))
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * Uses an initial access token once, atomically across nodes.
	 * @return its id, or empty when it is unknown, used up or expired
	 */
	Optional<String> use(String token) {
		return this.jdbc.sql("""
				UPDATE client_registration_tokens SET uses_left = uses_left - 1
				WHERE token_hash = ? AND uses_left > 0 AND expires_at > ? RETURNING id""")
			.params(TokenHash.of(token), Timestamp.from(this.clock.instant()))
			.query(String.class)
			.optional();
	}

	/** Gives a client a new registration access token; returns it in clear. */
	String issueAccessToken(String clientId) {
		String token = OpaqueTokenValues.REGISTRATION_ACCESS_TOKEN.generate();
		this.jdbc.sql("UPDATE oauth_clients SET registration_access_token_hash = ? WHERE client_id = ?")
			.params(TokenHash.of(token), clientId)
			.update();
		return token;
	}

	/**
	 * Uses a client's registration access token up and gives it a new one, in one
	 * statement: of two requests with the same token (on two nodes at once), one gets the
	 * new token and the other nothing. The client's row stays locked until the caller's
	 * transaction ends, so what the caller reads and writes of the client next cannot
	 * interleave with an administrator's change. A disabled client's token is good for
	 * nothing (its registration is the administrator's now).
	 * @return the new token, or empty when the token is not the client's or the client is
	 * disabled (the same answer, RFC 7592 §2)
	 */
	Optional<String> replaceAccessToken(String clientId, String token) {
		String next = OpaqueTokenValues.REGISTRATION_ACCESS_TOKEN.generate();
		int replaced = this.jdbc.sql("""
				UPDATE oauth_clients SET registration_access_token_hash = ?
				WHERE client_id = ? AND registration_access_token_hash = ? AND enabled""")
			.params(TokenHash.of(next), clientId, TokenHash.of(token))
			.update();
		return (replaced == 1) ? Optional.of(next) : Optional.empty();
	}

	/**
	 * An initial access token as kept.
	 *
	 * @param id its id
	 * @param description what it is for
	 * @param createdBy the administrator who created it
	 * @param usesLeft how many registrations it still allows
	 * @param expiresAt when it expires
	 */
	public record InitialAccessToken(String id, String description, String createdBy, int usesLeft, Instant expiresAt) {
	}

	/**
	 * A new initial access token.
	 *
	 * @param token what is kept of it
	 * @param value the token in clear, shown once
	 */
	public record Created(InitialAccessToken token, String value) {

		@Override
		public String toString() {
			return "Created[" + this.token + "]";
		}

	}

}
