package dev.lanyard.server.federation;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The upstream identities linked to local accounts, in PostgreSQL. An identity is its
 * provider and the upstream's subject, never an e-mail address: addresses change hands, a
 * subject does not (OpenID Connect Core §5.7).
 */
@Repository
public class FederatedIdentities {

	/**
	 * The longest upstream subject kept (OpenID Connect Core §2: 255 ASCII characters).
	 */
	public static final int MAXIMUM_SUBJECT_LENGTH = 255;

	/**
	 * Whether an upstream subject can name an identity here: present, and at most
	 * {@link #MAXIMUM_SUBJECT_LENGTH} characters (a longer one was a server error at the
	 * insert).
	 */
	public static boolean keepable(String subject) {
		return subject != null && !subject.isEmpty() && subject.length() <= MAXIMUM_SUBJECT_LENGTH;
	}

	private final JdbcClient jdbc;

	public FederatedIdentities(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * A linked identity.
	 *
	 * @param email the address the upstream gave at the last sign-in; may be {@code null}
	 * @param lastUsedAt the last sign-in with it; {@code null} if never since linking
	 */
	public record Linked(String providerId, String subject, UUID userId, String email, Instant linkedAt,
			Instant lastUsedAt) {
	}

	/** The account an upstream identity signs in to, noting the sign-in. */
	public Optional<UUID> signIn(String providerId, String subject, String email) {
		return this.jdbc.sql("""
				UPDATE federated_identities SET last_used_at = now(), email = ?
				WHERE provider_id = ? AND subject = ? RETURNING user_id""")
			.params(email, providerId, subject)
			.query(UUID.class)
			.optional();
	}

	/**
	 * Links an upstream identity to an account.
	 * @return {@code false} if the identity or the account's link to that provider exists
	 * already
	 */
	public boolean link(String providerId, String subject, UUID userId, String email) {
		return this.jdbc.sql("""
				INSERT INTO federated_identities (provider_id, subject, user_id, email, last_used_at)
				VALUES (?, ?, ?, ?, now()) ON CONFLICT DO NOTHING""")
			.params(providerId, subject, userId, email)
			.update() == 1;
	}

	/** The identities linked to an account, by provider. */
	public List<Linked> of(UUID userId) {
		return this.jdbc.sql("SELECT * FROM federated_identities WHERE user_id = ? ORDER BY provider_id")
			.param(userId)
			.query((rs, row) -> new Linked(rs.getString("provider_id"), rs.getString("subject"),
					rs.getObject("user_id", UUID.class), rs.getString("email"), instant(rs.getTimestamp("linked_at")),
					instant(rs.getTimestamp("last_used_at"))))
			.list();
	}

	/** How many accounts have an identity at each provider that has any. */
	public Map<String, Long> countByProvider() {
		Map<String, Long> counts = new HashMap<>();
		this.jdbc.sql("SELECT provider_id, count(*) AS linked FROM federated_identities GROUP BY provider_id")
			.query((rs) -> {
				counts.put(rs.getString("provider_id"), rs.getLong("linked"));
			});
		return counts;
	}

	/** Unlinks an account's identity at a provider; {@code false} if none was linked. */
	public boolean unlink(UUID userId, String providerId) {
		return this.jdbc.sql("DELETE FROM federated_identities WHERE user_id = ? AND provider_id = ?")
			.params(userId, providerId)
			.update() == 1;
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
