package dev.lanyard.server.account;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.token.TokenHash;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import dev.lanyard.server.storage.TablePurges;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Password reset by e-mail (OWASP ASVS 6.4.1, 6.4.3). A person who forgot their password
 * asks with their e-mail address; every active account with that address gets a link with
 * a random token (256 bits from a CSPRNG; only its SHA-256 is stored), good once, for
 * {@value #LIFETIME_MINUTES} minutes. Setting a new password with it ends every sign-in
 * session and revokes every grant, like a change on the account page. The answer to the
 * request is the same whether or not the address is known, and as fast: the lookup and
 * the mail happen on a thread of their own, after the answer. An account gets at most one
 * link a minute and {@value #PER_HOUR} an hour, however many people ask. Any new password
 * or e-mail address of the account uses up its outstanding links.
 * <p>
 * Mail goes out through {@link AccountMail}: without an SMTP server a production
 * deployment has no password reset.
 */
@Service
public class PasswordResets {

	static final long LIFETIME_MINUTES = 15;

	/** The most links one account gets in an hour. */
	static final int PER_HOUR = 3;

	private static final Duration LIFETIME = Duration.ofMinutes(LIFETIME_MINUTES);

	private final JdbcClient jdbc;

	private final UserService users;

	private final PasswordChange passwords;

	private final AccountMail mail;

	private final LanyardProperties properties;

	private final AuditLog audit;

	private final Clock clock;

	private final TablePurges purges;

	private final TransactionTemplate transactions;

	PasswordResets(JdbcClient jdbc, UserService users, PasswordChange passwords, AccountMail mail,
			LanyardProperties properties, AuditLog audit, Clock clock, TablePurges purges,
			TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.users = users;
		this.passwords = passwords;
		this.mail = mail;
		this.properties = properties;
		this.audit = audit;
		this.clock = clock;
		this.purges = purges;
		this.transactions = transactions;
	}

	/** Whether people can reset a forgotten password here. */
	public boolean enabled() {
		return this.mail.enabled();
	}

	/**
	 * Sends, after returning, a reset link to every active account with this address;
	 * nothing, silently, when there is none (the caller answers the same either way, as
	 * fast).
	 */
	public void request(String email, Locale locale, String address) {
		if (!enabled() || email == null || email.isBlank() || email.length() > 320) {
			return;
		}
		String typed = email.strip();
		this.mail.later(() -> sendLinks(typed, locale, address));
	}

	/** The account a token may reset the password of: unused, unexpired, still active. */
	public Optional<UUID> accountOf(String token) {
		if (token == null || token.isEmpty() || token.length() > 100) {
			return Optional.empty();
		}
		return this.jdbc.sql("""
				SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
				WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ? AND u.enabled AND NOT u.locked""")
			.params(TokenHash.of(token), Timestamp.from(this.clock.instant()))
			.query(UUID.class)
			.optional();
	}

	/**
	 * Sets the new password with a token, once: the token and every other one of the
	 * account are used up, every sign-in session ends and every grant is revoked.
	 * @return the account, or empty if the token is not (or no longer) good
	 * @throws dev.lanyard.server.InputRejectedException if the password breaks the policy
	 */
	@Transactional
	public Optional<UUID> reset(String token, String password) {
		Optional<UUID> account = accountOf(token);
		if (account.isEmpty()) {
			return account;
		}
		UUID id = account.get();
		// Only one use, even with two requests at once: the row is claimed first.
		int claimed = this.jdbc.sql("UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL")
			.params(Timestamp.from(this.clock.instant()), TokenHash.of(token))
			.update();
		if (claimed != 1) {
			return Optional.empty();
		}
		// As on the account page: the new password (which uses up the account's other
		// links), then every session and every grant ends.
		this.passwords.change(id, password);
		return account;
	}

	/** Forgets reset links a day after they expired. */
	@Scheduled(initialDelayString = "PT2M", fixedDelayString = "PT1H")
	public void purgeExpired() {
		this.purges.inBackground("password-resets", Duration.ofHours(1),
				() -> TablePurges.deleteInBatches(this.jdbc, "password_resets", "expires_at < :cutoff", "expires_at",
						Map.of("cutoff", Timestamp.from(this.clock.instant().minus(Duration.ofDays(1))))));
	}

	private void sendLinks(String email, Locale locale, String address) {
		List<UUID> accounts = this.jdbc
			.sql("SELECT id FROM users WHERE lower(email) = lower(?) AND enabled AND NOT locked")
			.param(email)
			.query(UUID.class)
			.list();
		for (UUID id : accounts) {
			Link link = this.transactions.execute((status) -> newLink(id, email, address));
			if (link == null) {
				continue;
			}
			boolean sent = this.mail.send(link.account(), "reset",
					this.properties.issuerString() + "/reset?token=" + link.token(), LIFETIME_MINUTES, locale);
			if (!sent) {
				// Never delivered (the mail server down or refusing): it does not count
				// against the account's budget, so asking again once mail works sends
				// one.
				this.jdbc.sql("DELETE FROM password_resets WHERE token_hash = ?")
					.param(TokenHash.of(link.token()))
					.update();
			}
			// Someone asked for this account's link, not the account itself.
			this.audit.record("unknown", "account.password_reset_requested", "user:" + id, address,
					Map.of("sent", sent));
		}
	}

	/**
	 * A new link for the account, if it still has the address asked for and is within its
	 * budget. Under the account's row lock: an address change committed meanwhile (which
	 * uses up the account's links) is either seen here, and no link is made, or waits for
	 * this link and uses it up; without it a link made just after the change went to the
	 * old address and stayed good. Two requests at once (on two nodes) count against the
	 * budget one after the other.
	 */
	private Link newLink(UUID id, String email, String address) {
		boolean stillThere = this.jdbc.sql("""
				SELECT count(*) > 0 FROM (SELECT 1 FROM users
				WHERE id = ? AND lower(email) = lower(?) AND enabled AND NOT locked FOR NO KEY UPDATE) u""")
			.params(id, email)
			.query(Boolean.class)
			.single();
		if (!stillThere) {
			return null;
		}
		Instant now = this.clock.instant();
		// However many ask, an account gets a link a minute and PER_HOUR an hour.
		boolean tooSoon = this.jdbc.sql("""
				SELECT count(*) FILTER (WHERE created_at > ?) > 0 OR count(*) >= ?
				FROM password_resets WHERE user_id = ? AND created_at > ?""")
			.params(Timestamp.from(now.minusSeconds(60)), PER_HOUR, id, Timestamp.from(now.minusSeconds(3600)))
			.query(Boolean.class)
			.single();
		if (tooSoon) {
			this.audit.record("unknown", "account.password_reset_withheld", "user:" + id, address, Map.of());
			return null;
		}
		String token = this.mail.newToken();
		this.jdbc.sql("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
			.params(TokenHash.of(token), id, Timestamp.from(now), Timestamp.from(now.plus(LIFETIME)))
			.update();
		return new Link(this.users.get(id), token);
	}

	private record Link(UserAccount account, String token) {

		/** Never the token: it opens the account. */
		@Override
		public String toString() {
			return "Link[account=" + this.account.id() + ", token=***]";
		}

	}

}
