package dev.lanyard.server.account;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.storage.EmbeddedPostgresServer;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.storage.OwnerOnlyFiles;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.MessageSource;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * The mails Lanyard sends people (password reset and e-mail verification links), through
 * Spring Boot's mail support ({@code SPRING_MAIL_HOST} …), on a bounded thread of their
 * own so that no answer waits for (or betrays) a mail. Without an SMTP server, the
 * development default (the embedded database) writes the links to {@code account-links}
 * in the data directory (owner only; the log says so, never the link), and a production
 * deployment sends none (said at start-up). Thread-safe.
 */
@Component
class AccountMail {

	private static final Logger logger = LoggerFactory.getLogger(AccountMail.class);

	private final SecureRandom random = new SecureRandom();

	private final JavaMailSender mail;

	private final boolean writeDownInstead;

	private final MessageSource messages;

	private final LanyardProperties properties;

	private final Clock clock;

	private final String from;

	/** Work waiting to be done and mailed; a full queue drops it (logged). */
	private final ThreadPoolExecutor mailer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
			new ArrayBlockingQueue<>(100), (runnable) -> {
				Thread thread = new Thread(runnable, "account-mail");
				thread.setDaemon(true);
				return thread;
			}, (runnable, pool) -> logger.warn("Too many account mails waiting: one dropped"));

	AccountMail(ObjectProvider<JavaMailSender> mail, ObjectProvider<EmbeddedPostgresServer> embedded,
			MessageSource messages, LanyardProperties properties, Clock clock,
			@Value("${lanyard.mail.from:}") String from) {
		this.mail = mail.getIfAvailable();
		this.writeDownInstead = this.mail == null && embedded.getIfAvailable() != null;
		this.messages = messages;
		this.properties = properties;
		this.clock = clock;
		this.from = from.isBlank() ? "no-reply@" + properties.issuer().getHost() : from;
		if (this.mail == null) {
			logger.warn(this.writeDownInstead
					? "No SMTP server configured (SPRING_MAIL_HOST): password reset and e-mail verification links "
							+ "are written to account-links in the data directory (development default only)"
					: "No SMTP server configured (SPRING_MAIL_HOST): password reset and e-mail verification are off");
		}
	}

	/**
	 * A new link token: 256 bits from a CSPRNG, base64url (store only its SHA-256).
	 */
	String newToken() {
		byte[] bytes = new byte[32];
		this.random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** Whether links can reach people here. */
	boolean enabled() {
		return this.mail != null || this.writeDownInstead;
	}

	/** Runs the work after the caller's answer, on the mail thread. */
	void later(Runnable work) {
		this.mailer.execute(() -> {
			try {
				work.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not send an account mail: {}", whatFailed(ex));
			}
		});
	}

	/**
	 * Mails a link to the account's address.
	 * @param kind the messages' prefix: {@code <kind>.mail.subject} and
	 * {@code <kind>.mail.body} (arguments: username, link, how long it works)
	 * @return {@code false} if it could not be sent
	 */
	boolean send(UserAccount account, String kind, String link, long lifetime, Locale locale) {
		return send(account, account.email(), kind, link, lifetime, locale);
	}

	/** Mails a link to the given address of the account. */
	boolean send(UserAccount account, String to, String kind, String link, long lifetime, Locale locale) {
		if (this.mail == null) {
			return writeDown(account, link);
		}
		SimpleMailMessage message = new SimpleMailMessage();
		message.setTo(to);
		message.setFrom(this.from);
		message.setSubject(this.messages.getMessage(kind + ".mail.subject", null, locale));
		message.setText(this.messages.getMessage(kind + ".mail.body",
				new Object[] { account.username(), link, lifetime }, locale));
		try {
			this.mail.send(message);
			return true;
		}
		catch (MailException ex) {
			// The person saw the same answer; the operator sees why no mail went out.
			logger.warn("Could not send an account e-mail: {}", whatFailed(ex));
			return false;
		}
	}

	/**
	 * What failed, for the log: the kinds of the exceptions in the chain, never their
	 * messages, which carry the SMTP server's reply with the recipient's address (and
	 * text an outside server chose, on several lines).
	 */
	static String whatFailed(Throwable failure) {
		StringBuilder kinds = new StringBuilder();
		java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
		for (Throwable cause = failure; cause != null && seen.add(cause); cause = next(cause)) {
			kinds.append((kinds.length() > 0) ? " < " : "").append(cause.getClass().getSimpleName());
		}
		return kinds.toString();
	}

	private static Throwable next(Throwable failure) {
		if (failure instanceof org.springframework.mail.MailSendException send && !send.getFailedMessages().isEmpty()) {
			return send.getFailedMessages().values().iterator().next();
		}
		if (failure instanceof jakarta.mail.MessagingException messaging && messaging.getNextException() != null) {
			return messaging.getNextException();
		}
		return failure.getCause();
	}

	@PreDestroy
	void stop() {
		this.mailer.shutdownNow();
	}

	/** Into an owner-only file of the data directory: never a link in a log line. */
	private boolean writeDown(UserAccount account, String link) {
		Path file = this.properties.dataDirectory().resolve("account-links");
		try {
			if (!Files.exists(file)) {
				OwnerOnlyFiles.create(file);
			}
			Files.writeString(file, this.clock.instant() + " " + account.username() + " " + link + "\n",
					StandardOpenOption.APPEND);
			logger.warn("No SMTP server configured: a link for {} is in {}", account.username(), file);
			return true;
		}
		catch (IOException ex) {
			logger.warn("Could not write a link to {}: {}", file, ex.getMessage());
			return false;
		}
	}

}
