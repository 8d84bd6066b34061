package dev.lanyard.server.account;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mails Lanyard sends people, over real HTTP and a real SMTP server (GreenMail) on
 * two nodes. Password reset (docs/SECURITY.md LG-21): the link asked for at one node
 * works at the other, once, for 15 minutes; the answer is the same for unknown addresses;
 * the reset ends every session and grant. E-mail verification (LG-24): the address is
 * verified only by the link sent to it. Without SMTP in production both are off.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccountMailTest {

	private static GreenMail smtp;

	private static LanyardTestServer nodeA;

	private static LanyardTestServer nodeB;

	private static UserService users;

	@BeforeAll
	static void setUp() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
		smtp.start();
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("spring.mail.host", "127.0.0.1");
		deployment.put("spring.mail.port", String.valueOf(port));
		deployment.put("lanyard.mail.from", "login@lanyard.test");
		deployment.put("lanyard.login.max-attempts-per-address", "20");
		LanyardTestServer[] nodes = LanyardTestServer.startTwoNodes(deployment);
		nodeA = nodes[0];
		nodeB = nodes[1];
		users = nodeA.bean(UserService.class);
	}

	@AfterAll
	static void tearDown() {
		LanyardTestServer.closeAll(nodeA, nodeB);
		// A bean kept in a static field would keep the stopped node in memory for the
		// rest of the test JVM (LanyardTestServer#close).
		users = null;
		if (smtp != null) {
			smtp.stop();
		}
	}

	@Test
	void resetWhenLinkAskedAtOneNodeThenItWorksOnceAtTheOtherAndEndsEverything() throws Exception {
		users.importUser("yara", "yara-password-for-reset-tests", "yara@example.com", List.of("user"), Map.of(),
				Map.of(), true);
		TestBrowser signedIn = new TestBrowser();
		new OAuthFlows(nodeA.baseUrl()).signIn(signedIn, "yara", "yara-password-for-reset-tests");
		assertThat(signedIn.get(nodeA.baseUrl() + "/account").statusCode()).isEqualTo(200);

		assertThat(new TestBrowser().get(nodeA.baseUrl() + "/login?lang=en").body()).contains("id=\"forgot\"");
		String sent = ask(nodeA, "YARA@example.com", "en");
		assertThat(sent).contains("If an account has this address");
		String link = linkIn(awaitMail("yara@example.com"), "Reset your password");
		assertThat(link).startsWith(nodeA.baseUrl() + "/reset?token=");

		TestBrowser person = new TestBrowser();
		String atB = link.replace(nodeA.baseUrl(), nodeB.baseUrl());
		HttpResponse<String> choose = person.get(atB + "&lang=en");
		assertThat(choose.body()).contains("Choose a new password");
		String token = link.substring(link.indexOf("token=") + 6);
		assertThat(person
			.postForm(nodeB.baseUrl() + "/reset", Map.of("token", token, "password", "short", "passwordAgain", "short",
					"_csrf", TestBrowser.csrf(choose.body())))
			.body()).contains("at least 8 characters");
		HttpResponse<String> done = person.postForm(nodeB.baseUrl() + "/reset",
				Map.of("token", token, "password", "yara-new-password-2026-winter", "passwordAgain",
						"yara-new-password-2026-winter", "_csrf", TestBrowser.csrf(choose.body())));
		assertThat(done.body()).contains("id=\"done\"");

		HttpResponse<String> again = person.get(atB);
		assertThat(again.body()).contains("id=\"expired\"");
		assertThat(signedIn.get(nodeA.baseUrl() + "/account").statusCode()).as("the session from before")
			.isEqualTo(302);
		assertThat(TestBrowser.location(
				new OAuthFlows(nodeB.baseUrl()).signIn(new TestBrowser(), "yara", "yara-password-for-reset-tests")))
			.contains("error");
		assertThat(TestBrowser.location(
				new OAuthFlows(nodeB.baseUrl()).signIn(new TestBrowser(), "yara", "yara-new-password-2026-winter")))
			.doesNotContain("error");
	}

	/**
	 * An unknown address gets the same page and no mail; a second request for an account
	 * within a minute sends nothing more; a link expires, and dies with a new e-mail
	 * address.
	 */
	@Test
	void resetWhenAddressUnknownOrAskedAgainOrExpiredThenSameAnswerAndNothing() throws Exception {
		UserAccount zed = users
			.importUser("zed", "zed-password-for-reset-tests", "zed@example.com", List.of("user"), Map.of(), Map.of(),
					true)
			.after();
		UserAccount ada = users
			.importUser("ada", "ada-password-for-reset-tests", "ada@example.com", List.of("user"), Map.of(), Map.of(),
					true)
			.after();
		int before = smtp.getReceivedMessages().length;
		String unknown = ask(nodeB, "nobody@example.com", "en");
		String known = ask(nodeB, "zed@example.com", "en");
		assertThat(withoutCsrf(unknown)).isEqualTo(withoutCsrf(known));
		awaitMail("zed@example.com");
		// Asked again at once: the same answer, no second mail.
		assertThat(withoutCsrf(ask(nodeA, "zed@example.com", "en"))).isEqualTo(withoutCsrf(known));

		String chinese = ask(nodeA, "ada@example.com", "zh-CN");
		assertThat(chinese).contains("如果有账户使用该地址");
		String link = linkIn(awaitMail("ada@example.com"), "重置您的密码");
		// Mails are sent in order: by now nothing else can still be on its way.
		assertThat(smtp.getReceivedMessages()).as("only zed's first and ada's").hasSize(before + 2);

		assertThat(new TestBrowser().get(link).body()).contains("Choose a new password");
		users.update(ada.id(), "ada", "ada@elsewhere.example", true, false, List.of("user"), Map.of(), null);
		assertThat(new TestBrowser().get(link).body()).as("the address changed").contains("id=\"expired\"");

		String zedLink = linkIn(awaitMail("zed@example.com"), "Reset your password");
		JdbcClient.create(nodeA.bean(DataSource.class))
			.sql("UPDATE password_resets SET expires_at = ? WHERE user_id = ?")
			.params(Timestamp.from(Instant.now().minusSeconds(1)), zed.id())
			.update();
		assertThat(new TestBrowser().get(zedLink).body()).contains("id=\"expired\"");
		assertThat(new TestBrowser().get(nodeA.baseUrl() + "/reset?token=made-up").body()).contains("id=\"expired\"");
	}

	/**
	 * An address change committing while a link is being made for the old address: the
	 * link is either made first and used up by the change, or not made. Here the change
	 * (as the console's: the new address, then the account's links used up) holds the
	 * account's row until the link's maker waits on it; without the row lock the link was
	 * made and mailed to the old address meanwhile (and, made just after such a change,
	 * stayed good).
	 */
	@Test
	void resetWhenAddressChangesWhileTheLinkIsMadeThenNoLinkForTheOldAddress() throws Exception {
		UserAccount una = users
			.importUser("una", "una-password-for-reset-tests", "una@example.com", List.of("user"), Map.of(), Map.of(),
					true)
			.after();
		DataSource database = nodeA.bean(DataSource.class);
		try (Connection change = database.getConnection()) {
			change.setAutoCommit(false);
			try (PreparedStatement address = change.prepareStatement("UPDATE users SET email = ? WHERE id = ?")) {
				address.setString(1, "una@new.example");
				address.setObject(2, una.id());
				address.executeUpdate();
			}
			ask(nodeB, "una@example.com", "en");
			JdbcClient observer = JdbcClient.create(database);
			long deadline = System.currentTimeMillis() + 10_000;
			boolean waiting = false;
			while (!waiting && mailTo("una@example.com") == null && System.currentTimeMillis() < deadline) {
				Thread.sleep(50);
				waiting = observer.sql("""
						SELECT count(*) > 0 FROM pg_stat_activity
						WHERE wait_event_type = 'Lock' AND query LIKE '%FROM users%'""").query(Boolean.class).single();
			}
			try (PreparedStatement useUp = change
				.prepareStatement("UPDATE password_resets SET used_at = now() WHERE user_id = ? AND used_at IS NULL")) {
				useUp.setObject(1, una.id());
				useUp.executeUpdate();
			}
			change.commit();
			assertThat(waiting).as("the link's maker waits for the change").isTrue();
		}
		// Node B sends its mails in order: once the new address has its mail, nothing for
		// the old one can still be on its way.
		assertThat(ask(nodeB, "una@new.example", "en")).contains("If an account");
		awaitMail("una@new.example");
		assertThat(mailTo("una@example.com")).isNull();
		assertThat(JdbcClient.create(database)
			.sql("SELECT count(*) FROM password_resets WHERE user_id = ? AND used_at IS NULL")
			.param(una.id())
			.query(Integer.class)
			.single()).as("the link to the new address only").isEqualTo(1);
	}

	/**
	 * A link the mail server did not take (down here) does not count against the
	 * account's budget of one a minute: asked again once mail works, the link goes out,
	 * where the person was told one was sent and got none for up to an hour.
	 */
	@Test
	void resetWhenMailServerDownThenAskingAgainOnceItIsBackSendsTheLink() throws Exception {
		UserAccount vic = users
			.importUser("vic", "vic-password-for-reset-tests", "vic@example.com", List.of("user"), Map.of(), Map.of(),
					true)
			.after();
		ServerSetup setup = smtp.getSmtp().getServerSetup();
		smtp.stop();
		try {
			ask(nodeA, "vic@example.com", "en");
			JdbcClient database = JdbcClient.create(nodeA.bean(DataSource.class));
			await().atMost(Duration.ofSeconds(15))
				.until(() -> database
					.sql("SELECT count(*) FROM audit_events WHERE action = 'account.password_reset_requested' "
							+ "AND target = ? AND details ->> 'sent' = 'false'")
					.param("user:" + vic.id())
					.query(Integer.class)
					.single() == 1);
		}
		finally {
			smtp = new GreenMail(setup);
			smtp.start();
		}
		ask(nodeA, "vic@example.com", "en");
		assertThat(linkIn(awaitMail("vic@example.com"), "Reset your password")).contains("/reset?token=");
	}

	/**
	 * Requests count against the address (20 per window in this deployment): a flood of
	 * reset mails to someone stops. Last: it spends this address's budget for the others.
	 */
	@Test
	@Order(Integer.MAX_VALUE)
	void resetWhenRequestedTooOftenFromOneAddressThenRefused() {
		int answered = 0;
		String answer = "";
		while (answered <= 21) {
			answer = ask(nodeB, "flood-" + answered + "@example.com", "en");
			if (answer.contains("Too many")) {
				break;
			}
			answered++;
		}
		assertThat(answer).contains("Too many");
		assertThat(answered).isLessThanOrEqualTo(20);
	}

	/**
	 * {@code email_verified} only after the link sent to the address is opened, once, and
	 * never for an address the account no longer has.
	 */
	@Test
	void verificationWhenLinkOpenedThenVerifiedOnceAndOnlyForThatAddress() throws Exception {
		UserAccount bea = users
			.importUser("bea", "bea-password-for-mail-tests", "bea@example.com", List.of("user"), Map.of(), Map.of(),
					true)
			.after();
		TestBrowser browser = new TestBrowser();
		new OAuthFlows(nodeA.baseUrl()).signIn(browser, "bea", "bea-password-for-mail-tests");
		HttpResponse<String> page = browser.get(nodeA.baseUrl() + "/account?lang=en");
		assertThat(page.body()).contains("id=\"verify-email\"");
		HttpResponse<String> asked = browser.postForm(nodeA.baseUrl() + "/account/email/verify",
				Map.of("_csrf", TestBrowser.csrf(page.body())));
		assertThat(browser.get(TestBrowser.location(asked)).body()).contains("A link is on its way");
		String link = linkIn(awaitMail("bea@example.com"), "Verify your e-mail address", "/verify-email");
		assertThat(users.get(bea.id()).claims()).doesNotContainKey("email_verified");
		// Asked again within the minute: nothing is sent, and the page says so rather
		// than "on its way".
		HttpResponse<String> again = browser.postForm(nodeA.baseUrl() + "/account/email/verify",
				Map.of("_csrf", TestBrowser.csrf(page.body())));
		assertThat(browser.get(TestBrowser.location(again)).body()).contains("A link was asked for a moment ago")
			.doesNotContain("on its way");

		// Opening the link (as a mail scanner would) verifies nothing; confirming does.
		assertThat(confirm(link.replace(nodeA.baseUrl(), nodeB.baseUrl()), false)).contains("id=\"confirm-email\"");
		assertThat(users.get(bea.id()).claims()).doesNotContainKey("email_verified");
		assertThat(confirm(link.replace(nodeA.baseUrl(), nodeB.baseUrl()), true)).contains("id=\"verified\"");
		assertThat(users.get(bea.id()).claims()).containsEntry("email_verified", "true");
		assertThat(confirm(link, true)).as("once").contains("id=\"expired\"");
		assertThat(browser.get(nodeA.baseUrl() + "/account?lang=en").body()).doesNotContain("id=\"verify-email\"");

		// A new address is unverified; a link sent to the old one, opened after the
		// change,
		// verifies nothing.
		UserAccount cy = users
			.importUser("cy", "cy-password-for-mail-tests", "cy@example.com", List.of("user"), Map.of(), Map.of(), true)
			.after();
		TestBrowser cyBrowser = new TestBrowser();
		new OAuthFlows(nodeA.baseUrl()).signIn(cyBrowser, "cy", "cy-password-for-mail-tests");
		HttpResponse<String> cyPage = cyBrowser.get(nodeA.baseUrl() + "/account?lang=en");
		cyBrowser.postForm(nodeA.baseUrl() + "/account/email/verify", Map.of("_csrf", TestBrowser.csrf(cyPage.body())));
		String oldAddressLink = linkIn(awaitMail("cy@example.com"), "Verify your e-mail address", "/verify-email");
		users.update(cy.id(), "cy", "cy@new.example", true, false, List.of("user"), Map.of(), null);
		assertThat(confirm(oldAddressLink, true)).contains("id=\"expired\"");
		assertThat(users.get(cy.id()).claims()).doesNotContainKey("email_verified");
		assertThat(confirm(nodeA.baseUrl() + "/verify-email?token=made-up", true)).contains("id=\"expired\"");
	}

	/**
	 * Verification links asked for at two nodes at once count against the account's
	 * budget (one a minute) one after the other: both checked the budget before either
	 * stored its link, and two went out. The links' table is held here until both makers
	 * wait, so the two checks overlap as they would by chance.
	 */
	@Test
	void verificationWhenAskedAtTwoNodesAtOnceThenOneLink() throws Exception {
		UserAccount dot = users
			.importUser("dot", "dot-password-for-mail-tests", "dot@example.com", List.of("user"), Map.of(), Map.of(),
					true)
			.after();
		DataSource database = nodeA.bean(DataSource.class);
		JdbcClient observer = JdbcClient.create(database);
		try (Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			holder.createStatement().execute("LOCK TABLE email_verifications IN SHARE MODE");
			assertThat(nodeA.bean(EmailVerifications.class).send(dot.id(), java.util.Locale.ENGLISH, "127.0.0.1"))
				.isTrue();
			assertThat(nodeB.bean(EmailVerifications.class).send(dot.id(), java.util.Locale.ENGLISH, "127.0.0.1"))
				.isTrue();
			dev.lanyard.server.LockWaits.await(database, "email_verifications", 2);
			holder.commit();
		}
		awaitMail("dot@example.com");
		dev.lanyard.server.LockWaits.awaitNone(database, "email_verifications");
		// The other node's maker, if it made a link, has stored it by now; give its mail
		// a
		// moment.
		Thread.sleep(500);
		assertThat(observer.sql("SELECT count(*) FROM email_verifications WHERE user_id = ?")
			.param(dot.id())
			.query(Integer.class)
			.single()).isEqualTo(1);
	}

	/** Without an SMTP server, a production deployment has no password reset at all. */
	@Test
	void resetWhenNoMailServerInProductionThenOff() {
		String base = SharedLanyard.server().baseUrl();
		assertThat(new TestBrowser().get(base + "/forgot").statusCode()).isEqualTo(404);
		assertThat(new TestBrowser().get(base + "/reset?token=x").statusCode()).isEqualTo(404);
		assertThat(new TestBrowser().get(base + "/login").body()).doesNotContain("id=\"forgot\"");
	}

	private static String ask(LanyardTestServer node, String email, String language) {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> page = browser.get(node.baseUrl() + "/forgot?lang=" + language);
		assertThat(page.statusCode()).isEqualTo(200);
		return browser
			.postForm(node.baseUrl() + "/forgot", Map.of("email", email, "_csrf", TestBrowser.csrf(page.body())))
			.body();
	}

	/** Opens a verification link and, if asked, confirms on the page it shows. */
	private static String confirm(String link, boolean confirmIt) {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> page = browser.get(link + "&lang=en");
		if (!confirmIt) {
			return page.body();
		}
		String token = link.substring(link.indexOf("token=") + 6);
		return browser
			.postForm(link.substring(0, link.indexOf('?')),
					Map.of("token", token, "_csrf", TestBrowser.csrf(page.body())))
			.body();
	}

	private static String withoutCsrf(String page) {
		return page.replaceAll("name=\"_csrf\" value=\"[^\"]*\"", "");
	}

	private static MimeMessage awaitMail(String to) throws Exception {
		long deadline = System.currentTimeMillis() + 10_000;
		while (System.currentTimeMillis() < deadline) {
			MimeMessage message = mailTo(to);
			if (message != null) {
				return message;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("no mail to " + to);
	}

	private static MimeMessage mailTo(String to) throws Exception {
		for (MimeMessage message : smtp.getReceivedMessages()) {
			if (message.getAllRecipients()[0].toString().equals(to)) {
				return message;
			}
		}
		return null;
	}

	private static String linkIn(MimeMessage message, String subject) throws Exception {
		return linkIn(message, subject, "/reset");
	}

	private static String linkIn(MimeMessage message, String subject, String path) throws Exception {
		assertThat(message.getSubject()).isEqualTo(subject);
		assertThat(message.getFrom()[0].toString()).isEqualTo("login@lanyard.test");
		// The text as the person reads it (decoded from its transfer encoding).
		String text = (String) message.getContent();
		Matcher link = Pattern.compile("(http://\\S+" + Pattern.quote(path) + "\\?token=[A-Za-z0-9_-]+)").matcher(text);
		assertThat(link.find()).as(text).isTrue();
		return link.group(1);
	}

	/**
	 * A mail the SMTP server refused is logged by the kinds of its exceptions, never
	 * their messages: those carry the server's reply, with the recipient's address, on
	 * several lines of an outside server's text. The address used to reach the log.
	 */
	@Test
	void mailWhenRefusedByTheServerThenLoggedWithoutTheReply() {
		jakarta.mail.SendFailedException refused = new jakarta.mail.SendFailedException("Invalid Addresses",
				new jakarta.mail.MessagingException("550 5.1.1 <bob@example.com>: Recipient address rejected\r\nmore"));
		org.springframework.mail.MailSendException failure = new org.springframework.mail.MailSendException(
				java.util.Map.of(new Object(), refused));
		String logged = AccountMail.whatFailed(failure);
		assertThat(logged).isEqualTo("MailSendException < SendFailedException < MessagingException")
			.doesNotContain("bob@example.com")
			.doesNotContain("\n");
	}

}
