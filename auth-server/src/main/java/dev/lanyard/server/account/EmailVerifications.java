package dev.lanyard.server.account;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.token.TokenHash;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import dev.lanyard.server.storage.TablePurges;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * E-mail verification: {@code email_verified} becomes true only when the person confirms
 * a link mailed to the address (OpenID Connect Core §5.1: the provider took affirmative
 * steps). The link (256 random bits; only its SHA-256 is stored) names the address it was
 * sent to and works once, for {@value #LIFETIME_HOURS} hours, while the account still has
 * that address; an account gets at most one link a minute and three an hour. Opening the
 * link shows a page that asks to confirm; only that confirmation (a form) verifies, so a
 * mail scanner that fetches links does not. Thread-safe.
 */
@Service
public class EmailVerifications {

	static final long LIFETIME_HOURS = 24;

	/** The most links one account gets in an hour. */
	static final int PER_HOUR = 3;

	private final JdbcClient jdbc;

	private final UserService users;

	private final AccountMail mail;

	private final LanyardProperties properties;

	private final AuditLog audit;

	private final Clock clock;

	private final TablePurges purges;

	private final TransactionTemplate transactions;

	private final JdbcUserAccountRepository accounts;

	EmailVerifications(JdbcClient jdbc, UserService users, AccountMail mail, LanyardProperties properties,
			AuditLog audit, Clock clock, TablePurges purges, TransactionTemplate transactions,
			JdbcUserAccountRepository accounts) {
		this.transactions = transactions;
		this.accounts = accounts;
		this.jdbc = jdbc;
		this.users = users;
		this.mail = mail;
		this.properties = properties;
		this.audit = audit;
		this.clock = clock;
		this.purges = purges;
	}

	/** Whether links can be mailed here. */
	public boolean enabled() {
		return this.mail.enabled();
	}

	/**
	 * Mails, after returning, a verification link to the account's current address; none
	 * for an address already verified, and at most one a minute and {@value #PER_HOUR} an
	 * hour (checked before anything is queued).
	 * @return whether a link was queued; {@code false} when one was asked for too
	 * recently (or mail is off), so that the page can say so rather than "sent"
	 */
	public boolean send(UUID id, Locale locale, String address) {
		if (!enabled() || tooSoon(id)) {
			return false;
		}
		this.mail.later(() -> {
			String token = this.mail.newToken();
			UserAccount account = this.transactions.execute((status) -> newLink(id, token));
			if (account == null) {
				return;
			}
			boolean sent = this.mail.send(account, "verify",
					this.properties.issuerString() + "/verify-email?token=" + token, LIFETIME_HOURS, locale);
			if (!sent) {
				// Never delivered: it does not count against the budget.
				this.jdbc.sql("DELETE FROM email_verifications WHERE token_hash = ?")
					.param(TokenHash.of(token))
					.update();
			}
			this.audit.record(id.toString(), "account.email_verification_sent", "user:" + id, address,
					Map.of("sent", sent));
		});
		return true;
	}

	/**
	 * Marks the address verified, once, if the account still has the address the link was
	 * sent to.
	 * @return the account, or empty if the link is not (or no longer) good
	 */
	@Transactional
	public Optional<UUID> verify(String token) {
		if (token == null || token.isEmpty() || token.length() > 100) {
			return Optional.empty();
		}
		Optional<Map<String, Object>> link = this.jdbc.sql("""
				UPDATE email_verifications SET used_at = ?
				WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
				RETURNING user_id, email""")
			.params(Timestamp.from(this.clock.instant()), TokenHash.of(token), Timestamp.from(this.clock.instant()))
			.query()
			.listOfRows()
			.stream()
			.findFirst();
		if (link.isEmpty()) {
			return Optional.empty();
		}
		UUID id = (UUID) link.get().get("user_id");
		if (!this.users.get(id).active()) {
			return Optional.empty();
		}
		// Under the account's lock, only while it still has the address the link went to.
		String sentTo = (String) link.get().get("email");
		this.users.updateClaims(id, Map.of("email_verified", "true"), sentTo);
		return Objects.equals(this.users.get(id).email(), sentTo) ? Optional.of(id) : Optional.empty();
	}

	/** Forgets verification links a day after they expired. */
	@Scheduled(initialDelayString = "PT3M", fixedDelayString = "PT1H")
	public void purgeExpired() {
		this.purges.inBackground("email-verifications", Duration.ofHours(1),
				() -> TablePurges.deleteInBatches(this.jdbc, "email_verifications", "expires_at < :cutoff",
						"expires_at",
						Map.of("cutoff", Timestamp.from(this.clock.instant().minus(Duration.ofDays(1))))));
	}

	/**
	 * Stores a new link for the account's address, if it has one not verified yet and is
	 * within its budget. Under the account's row lock: two requests at once (on two
	 * nodes) count against the budget one after the other, where both passed the check
	 * before either link was stored.
	 * @return the account as the link was made for, or {@code null} for no link
	 */
	private UserAccount newLink(UUID id, String token) {
		this.accounts.lockAgainstConcurrentChanges(id);
		UserAccount account = this.users.get(id);
		if (account.email() == null || "true".equals(account.claims().get("email_verified")) || tooSoon(id)) {
			return null;
		}
		Instant now = this.clock.instant();
		this.jdbc.sql("""
				INSERT INTO email_verifications (token_hash, user_id, email, created_at, expires_at)
				VALUES (?, ?, ?, ?, ?)""")
			.params(TokenHash.of(token), id, account.email(), Timestamp.from(now),
					Timestamp.from(now.plus(Duration.ofHours(LIFETIME_HOURS))))
			.update();
		return account;
	}

	private boolean tooSoon(UUID id) {
		Instant now = this.clock.instant();
		return this.jdbc.sql("""
				SELECT count(*) FILTER (WHERE created_at > ?) > 0 OR count(*) >= ?
				FROM email_verifications WHERE user_id = ? AND created_at > ?""")
			.params(Timestamp.from(now.minusSeconds(60)), PER_HOUR, id, Timestamp.from(now.minusSeconds(3600)))
			.query(Boolean.class)
			.single();
	}

}
