package dev.lanyard.server.account;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.storage.EmbeddedPostgresServer;
import dev.lanyard.server.token.TokenHash;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Password reset by e-mail (OWASP ASVS 6.4.1, 6.4.3). A person who forgot their password
 * asks with their e-mail address; every active account with that address gets a link with
 * a random token (256 bits from a CSPRNG; only its SHA-256 is stored), good once, for
 * {@value #LIFETIME_MINUTES} minutes. Setting a new password with it ends every sign-in
 * session and revokes every grant, like a change on the account page. The answer to the
 * request is the same whether or not the address is known.
 * <p>
 * Mail goes through Spring Boot's mail support ({@code SPRING_MAIL_HOST} …). Without it,
 * the development default (the embedded database) writes the link to the log at WARN, and
 * a production deployment has no password reset (said at start-up).
 */
@Service
public class PasswordResets {

	private static final Logger logger = LoggerFactory.getLogger(PasswordResets.class);

	static final long LIFETIME_MINUTES = 15;

	private static final Duration LIFETIME = Duration.ofMinutes(LIFETIME_MINUTES);

	private final SecureRandom random = new SecureRandom();

	private final JdbcClient jdbc;

	private final UserService users;

	private final GrantRevocations revocations;

	private final JavaMailSender mail;

	private final boolean logInstead;

	private final MessageSource messages;

	private final LanyardProperties properties;

	private final AuditLog audit;

	private final Clock clock;

	private final String from;

	PasswordResets(JdbcClient jdbc, UserService users, GrantRevocations revocations,
			ObjectProvider<JavaMailSender> mail, ObjectProvider<EmbeddedPostgresServer> embedded,
			MessageSource messages, LanyardProperties properties, AuditLog audit, Clock clock,
			@Value("${lanyard.mail.from:}") String from) {
		this.jdbc = jdbc;
		this.users = users;
		this.revocations = revocations;
		this.mail = mail.getIfAvailable();
		this.logInstead = this.mail == null && embedded.getIfAvailable() != null;
		this.messages = messages;
		this.properties = properties;
		this.audit = audit;
		this.clock = clock;
		this.from = from.isBlank() ? "no-reply@" + properties.issuer().getHost() : from;
		if (this.mail == null) {
			logger.warn(this.logInstead
					? "No SMTP server configured (SPRING_MAIL_HOST): password reset links are written to this log "
							+ "(development default only)"
					: "No SMTP server configured (SPRING_MAIL_HOST): password reset by e-mail is off");
		}
	}

	/** Whether people can reset a forgotten password here. */
	public boolean enabled() {
		return this.mail != null || this.logInstead;
	}

	/**
	 * Sends a reset link to every active account with this address; nothing, silently,
	 * when there is none (the caller answers the same either way).
	 */
	public void request(String email, Locale locale, String address) {
		if (!enabled() || email == null || email.isBlank() || email.length() > 320) {
			return;
		}
		List<UUID> accounts = this.jdbc
			.sql("SELECT id FROM users WHERE lower(email) = lower(?) AND enabled AND NOT locked")
			.param(email.strip())
			.query(UUID.class)
			.list();
		for (UUID id : accounts) {
			UserAccount account = this.users.get(id);
			String token = newToken();
			Instant now = this.clock.instant();
			this.jdbc
				.sql("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
				.params(TokenHash.of(token), id, Timestamp.from(now), Timestamp.from(now.plus(LIFETIME)))
				.update();
			String link = this.properties.issuerString() + "/reset?token=" + token;
			send(account, link, locale);
			this.audit.record(id.toString(), "account.password_reset_requested", "user:" + id, address, Map.of());
		}
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
	public Optional<UUID> reset(String token, String password, String address) {
		Optional<UUID> account = accountOf(token);
		if (account.isEmpty()) {
			return account;
		}
		UUID id = account.get();
		Instant now = this.clock.instant();
		// Only one use, even with two requests at once: the row is claimed first.
		int claimed = this.jdbc.sql("UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL")
			.params(Timestamp.from(now), TokenHash.of(token))
			.update();
		if (claimed != 1) {
			return Optional.empty();
		}
		this.users.setPassword(id, password);
		this.jdbc.sql("UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL")
			.params(Timestamp.from(now), id)
			.update();
		this.users.endSignIns(id, now);
		int revoked = this.revocations.revokeByPrincipal(id.toString(), "password_changed");
		this.audit.record(id.toString(), "account.password_reset", "user:" + id, address,
				Map.of("grants_revoked", revoked));
		return account;
	}

	/** Forgets reset links a day after they expired. */
	@Scheduled(initialDelayString = "PT2M", fixedDelayString = "PT1H")
	public void purgeExpired() {
		try {
			this.jdbc.sql("DELETE FROM password_resets WHERE expires_at < ?")
				.param(Timestamp.from(this.clock.instant().minus(Duration.ofDays(1))))
				.update();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not purge expired password reset links: {}", ex.getMessage());
		}
	}

	private void send(UserAccount account, String link, Locale locale) {
		if (this.mail == null) {
			// Development default only (see enabled()): never in production.
			logger.warn("Password reset link for {} (no SMTP server configured): {}", account.username(), link);
			return;
		}
		SimpleMailMessage message = new SimpleMailMessage();
		message.setTo(account.email());
		message.setFrom(this.from);
		message.setSubject(this.messages.getMessage("reset.mail.subject", null, locale));
		message.setText(this.messages.getMessage("reset.mail.body",
				new Object[] { account.username(), link, LIFETIME_MINUTES }, locale));
		try {
			this.mail.send(message);
		}
		catch (MailException ex) {
			// The person sees the same answer; the operator sees why no mail went out.
			logger.warn("Could not send a password reset e-mail: {}", ex.getMessage());
		}
	}

	private String newToken() {
		byte[] bytes = new byte[32];
		this.random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
