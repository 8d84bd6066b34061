package dev.lanyard.server.secondfactor;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.user.UserAdministration;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two-step sign-in with an authenticator app (RFC 6238) and recovery codes, over real
 * HTTP on two nodes sharing PostgreSQL: enrolment on the account page (QR code, a first
 * code and the password), sign-in asking for a code after the password, a code good once
 * on either node, recovery codes good once, guesses throttled, {@code amr}/{@code acr} in
 * the ID token; docs/SECURITY.md LG-25.
 */
class TwoStepSignInTest {

	private static LanyardTestServer nodeA;

	private static LanyardTestServer nodeB;

	private static UserService users;

	@BeforeAll
	static void setUp() {
		LanyardTestServer[] nodes = LanyardTestServer.startTwoNodes(LanyardTestServer.newDeployment());
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
	}

	/**
	 * New recovery codes asked for twice at once (a form sent twice, on two nodes): one
	 * set stays good, the last one shown. Each replacement deleted what was there before
	 * either inserted, and twenty codes stayed good, ten of them never shown. The codes'
	 * table is held here until both wait, so the two overlap as they would by chance.
	 */
	@Test
	void recoveryCodesWhenReplacedTwiceAtOnceThenOneSetStaysGood() throws Exception {
		UserAccount ida = users
			.importUser("ida-codes", "ida-password-for-code-tests", null, List.of("user"), Map.of(), Map.of(), true)
			.after();
		javax.sql.DataSource database = nodeA.bean(javax.sql.DataSource.class);
		java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
		try (java.sql.Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			holder.createStatement().execute("LOCK TABLE recovery_codes IN SHARE MODE");
			java.util.concurrent.Future<List<String>> first = threads
				.submit(() -> nodeA.bean(RecoveryCodes.class).replace(ida.id()));
			java.util.concurrent.Future<List<String>> second = threads
				.submit(() -> nodeB.bean(RecoveryCodes.class).replace(ida.id()));
			dev.lanyard.server.LockWaits.await(database, "recovery_codes", 2);
			holder.commit();
			first.get(10, java.util.concurrent.TimeUnit.SECONDS);
			second.get(10, java.util.concurrent.TimeUnit.SECONDS);
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(nodeA.bean(RecoveryCodes.class).remaining(ida.id())).isEqualTo(RecoveryCodes.COUNT);
	}

	/**
	 * The whole path: enrol, then a code flow signs in with the password and a code; the
	 * ID token says so; the same code is refused afterwards on the other node.
	 */
	@Test
	void signInWhenAuthenticatorAppEnrolledThenCodeAskedAndTokensSayMultiFactor() {
		person("tara");
		TestAuthenticatorApp enrolment = TestAuthenticatorApp.enrol(signedIn(nodeA, "tara"), nodeA.baseUrl(),
				password("tara"));
		assertThat(enrolment.recoveryCodes()).hasSize(10).doesNotHaveDuplicates();

		OAuthFlows flows = new OAuthFlows(nodeA.baseUrl());
		TestBrowser browser = new TestBrowser();
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		HttpResponse<String> start = browser.get(flows
			.authorizeUrl(OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile", "s1", pkce)));
		assertThat(TestBrowser.location(start)).isEqualTo(flows.url("/login"));
		HttpResponse<String> password = flows.signIn(browser, "tara", password("tara"));
		assertThat(TestBrowser.location(password)).isEqualTo(flows.url("/login/second-factor"));
		// Not signed in before the code: the authorization request meets the login page.
		HttpResponse<String> early = browser.get(flows
			.authorizeUrl(OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile", "s1", pkce)));
		assertThat(TestBrowser.location(early)).isEqualTo(flows.url("/login"));

		String code = enrolment.nextCode();
		HttpResponse<String> verified = TestAuthenticatorApp.submitCode(browser, nodeA.baseUrl(), code);
		assertThat(verified.statusCode()).isIn(302, 303);
		String resumed = TestBrowser.location(verified);
		assertThat(resumed).startsWith(flows.url("/oauth2/authorize"));
		String callback = TestBrowser.location(browser.get(resumed));
		String authorizationCode = TestBrowser.queryParameters(callback).get("code");
		HttpResponse<String> tokens = flows.redeemCode(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
				authorizationCode, TestBootstrap.REDIRECT_URI, pkce.verifier());
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		Map<String, Object> idToken = TestBrowser.jwtClaims((String) TestBrowser.json(tokens).get("id_token"));
		assertThat(idToken).containsEntry("amr", List.of("pwd", "otp", "mfa"))
			.containsEntry("acr", "urn:lanyard:acr:multi-factor");
		// Introspection answers how the person signed in too (a resource server may
		// demand
		// two factors).
		Map<String, Object> introspected = flows.introspect(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
				(String) TestBrowser.json(tokens).get("access_token"));
		assertThat(introspected).containsEntry("active", true)
			.containsEntry("amr", List.of("pwd", "otp", "mfa"))
			.containsEntry("acr", "urn:lanyard:acr:multi-factor")
			.containsEntry("auth_time", idToken.get("auth_time"));
		assertThat(browser.get(nodeA.baseUrl() + "/account?lang=en").body()).as("the sign-in history says how")
			.contains("<span class=\"methods\"><span>password</span> + <span>code</span></span>");

		// RFC 6238 §5.2: the code is used up, on every node.
		TestBrowser again = passwordAccepted(nodeB, "tara");
		HttpResponse<String> replayed = TestAuthenticatorApp.submitCode(again, nodeB.baseUrl(), code);
		assertThat(TestBrowser.location(replayed)).endsWith("/login/second-factor?error");
		assertThat(again.get(nodeB.baseUrl() + "/account").statusCode()).as("still not signed in").isEqualTo(302);
	}

	/** Each recovery code signs in once; the page then counts one fewer. */
	@Test
	void signInWhenRecoveryCodeThenGoodOnce() {
		person("uma");
		TestAuthenticatorApp enrolment = TestAuthenticatorApp.enrol(signedIn(nodeA, "uma"), nodeA.baseUrl(),
				password("uma"));
		String recovery = enrolment.recoveryCodes().get(3);

		TestBrowser first = passwordAccepted(nodeA, "uma");
		HttpResponse<String> used = TestAuthenticatorApp.submitCode(first, nodeA.baseUrl(),
				recovery.toUpperCase().replace("-", " "));
		assertThat(TestBrowser.location(used)).doesNotContain("error");
		assertThat(first.get(nodeA.baseUrl() + "/account?lang=en").body()).contains("Recovery codes left: 9");

		TestBrowser second = passwordAccepted(nodeB, "uma");
		assertThat(TestBrowser.location(TestAuthenticatorApp.submitCode(second, nodeB.baseUrl(), recovery)))
			.endsWith("/login/second-factor?error");
	}

	/**
	 * Guessing codes costs the account's sign-in budget like guessing passwords: after it
	 * is spent, even the right code is refused.
	 */
	@Test
	void secondFactorWhenGuessedThenThrottled() {
		UserAccount vic = person("vic");
		TestAuthenticatorApp enrolment = TestAuthenticatorApp.enrol(signedIn(nodeA, "vic"), nodeA.baseUrl(),
				password("vic"));
		TestBrowser guesser = passwordAccepted(nodeA, "vic");
		List<String> outcomes = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			outcomes.add(TestBrowser.location(TestAuthenticatorApp.submitCode(guesser, nodeA.baseUrl(), "000000")));
		}
		assertThat(outcomes.get(outcomes.size() - 1)).endsWith("/login/second-factor?throttled");
		assertThat(
				TestBrowser.location(TestAuthenticatorApp.submitCode(guesser, nodeA.baseUrl(), enrolment.nextCode())))
			.endsWith("/login/second-factor?throttled");
		assertThat(
				nodeA.bean(AuditLog.class).search(vic.id().toString(), "login.second_factor_failed", null, null, 20, 0))
			.isNotEmpty();
	}

	/**
	 * Enrolment needs a right first code and the current password; removing needs the
	 * password, and then sign-in asks for the password only.
	 */
	@Test
	void enrolmentWhenWrongCodeOrPasswordThenOffAndRemovalNeedsPassword() {
		UserAccount wes = person("wes");
		TestBrowser browser = signedIn(nodeA, "wes");
		String page = browser.get(nodeA.baseUrl() + "/account?lang=en").body();
		browser.postForm(nodeA.baseUrl() + "/account/authenticator/begin", Map.of("_csrf", TestBrowser.csrf(page)));
		String enrolmentPage = browser.get(nodeA.baseUrl() + "/account/authenticator?lang=en").body();
		// The QR code is drawn on the server: the page carries no URI with the key.
		assertThat(enrolmentPage).contains("<svg").doesNotContain("otpauth");
		String right = new TestAuthenticatorApp(TestAuthenticatorApp.secretOf(enrolmentPage), List.of()).nextCode();
		HttpResponse<String> wrongCode = browser.postForm(nodeA.baseUrl() + "/account/authenticator/confirm",
				Map.of("code", "123456".equals(right) ? "654321" : "123456", "current", password("wes"), "_csrf",
						TestBrowser.csrf(enrolmentPage)));
		assertThat(TestBrowser.location(wrongCode)).endsWith("/account/authenticator");
		assertThat(browser.get(nodeA.baseUrl() + "/account/authenticator?lang=en").body())
			.contains("That code is not right");
		HttpResponse<String> wrongPassword = browser.postForm(nodeA.baseUrl() + "/account/authenticator/confirm",
				Map.of("code", right, "current", "not-the-password", "_csrf", TestBrowser.csrf(enrolmentPage)));
		assertThat(TestBrowser.location(wrongPassword)).endsWith("/account/authenticator");
		assertThat(browser.get(nodeA.baseUrl() + "/account/authenticator?lang=en").body())
			.contains("current password is not correct");
		assertThat(nodeA.bean(SecondFactors.class).enrolled(wes.id())).isFalse();
		assertThat(
				TestBrowser.location(new OAuthFlows(nodeA.baseUrl()).signIn(new TestBrowser(), "wes", password("wes"))))
			.doesNotContain("second-factor");

		TestAuthenticatorApp enrolment = TestAuthenticatorApp.enrol(browser, nodeA.baseUrl(), password("wes"));
		String account = browser.get(nodeA.baseUrl() + "/account?lang=en").body();
		HttpResponse<String> refused = browser.postForm(nodeA.baseUrl() + "/account/authenticator/remove",
				Map.of("current", "not-the-password", "_csrf", TestBrowser.csrf(account)));
		assertThat(TestBrowser.location(refused)).endsWith("/account#two-step");
		assertThat(browser.get(nodeA.baseUrl() + "/account?lang=en").body()).contains("current password is not correct")
			.contains("after your password, sign-in asks for a code");
		assertThat(
				TestBrowser.location(new OAuthFlows(nodeA.baseUrl()).signIn(new TestBrowser(), "wes", password("wes"))))
			.endsWith("/login/second-factor");
		browser.postForm(nodeA.baseUrl() + "/account/authenticator/remove",
				Map.of("current", password("wes"), "_csrf", TestBrowser.csrf(account)));
		assertThat(browser.get(nodeA.baseUrl() + "/account?lang=en").body())
			.contains("The authenticator app is removed");
		assertThat(
				TestBrowser.location(new OAuthFlows(nodeA.baseUrl()).signIn(new TestBrowser(), "wes", password("wes"))))
			.doesNotContain("second-factor");
		assertThat(enrolment.recoveryCodes()).hasSize(10);
	}

	/**
	 * Finding of a review: were the check for a second factor to fail (the database
	 * gone), the password alone must not have signed anyone in.
	 */
	@Test
	void signInWhenSecondFactorCannotBeCheckedThenNotSignedIn() {
		person("xan");
		TestAuthenticatorApp.enrol(signedIn(nodeA, "xan"), nodeA.baseUrl(), password("xan"));
		JdbcClient jdbc = nodeA.bean(JdbcClient.class);
		TestBrowser browser = new TestBrowser();
		jdbc.sql("ALTER TABLE totp_authenticators RENAME TO totp_authenticators_away").update();
		try {
			HttpResponse<String> login = new OAuthFlows(nodeA.baseUrl()).signIn(browser, "xan", password("xan"));
			assertThat(login.statusCode()).isNotIn(302, 303);
		}
		finally {
			jdbc.sql("ALTER TABLE totp_authenticators_away RENAME TO totp_authenticators").update();
		}
		assertThat(browser.get(nodeA.baseUrl() + "/account").statusCode()).as("not signed in").isEqualTo(302);
	}

	/**
	 * A code that enrolment took is not taken again at sign-in; every other sign-in of
	 * the person ended when the factor was added.
	 */
	@Test
	void enrolmentWhenDoneThenItsCodeUsedAndOtherSignInsEnded() {
		person("yara");
		TestBrowser before = signedIn(nodeB, "yara");
		TestBrowser here = signedIn(nodeA, "yara");
		TestAuthenticatorApp app = TestAuthenticatorApp.enrol(here, nodeA.baseUrl(), password("yara"));
		assertThat(before.get(nodeB.baseUrl() + "/account").statusCode()).as("the older sign-in ended").isEqualTo(302);
		assertThat(here.get(nodeA.baseUrl() + "/account").statusCode()).as("this one goes on").isEqualTo(200);
		TestBrowser browser = passwordAccepted(nodeA, "yara");
		// The code that turned the app on, not this step's: a step may have begun since.
		assertThat(TestBrowser.location(TestAuthenticatorApp.submitCode(browser, nodeA.baseUrl(), app.enrolmentCode())))
			.endsWith("/login/second-factor?error");
	}

	/**
	 * A password given, then every sign-in ended (a password change, an administrator):
	 * the code no longer completes that sign-in, whatever the clock that stamped the end
	 * (here a minute behind the node's: it used to pass as "before the password").
	 */
	@Test
	void secondFactorWhenSignInsEndedMeanwhileThenRefused() {
		UserAccount zed = person("zed");
		TestAuthenticatorApp app = TestAuthenticatorApp.enrol(signedIn(nodeA, "zed"), nodeA.baseUrl(), password("zed"));
		TestBrowser browser = passwordAccepted(nodeA, "zed");
		users.endSignIns(zed.id());
		JdbcClient.create(nodeA.bean(javax.sql.DataSource.class))
			.sql("UPDATE users SET sign_ins_not_before = sign_ins_not_before - interval '1 minute' WHERE id = ?")
			.param(zed.id())
			.update();
		assertThat(TestBrowser.location(TestAuthenticatorApp.submitCode(browser, nodeA.baseUrl(), app.nextCode())))
			.endsWith("/login?expired");
		assertThat(browser.get(nodeA.baseUrl() + "/account").statusCode()).isEqualTo(302);
	}

	/** New recovery codes replace the old ones; they need the password. */
	@Test
	void recoveryCodesWhenRenewedThenOldOnesRefused() {
		person("abe");
		TestBrowser browser = signedIn(nodeA, "abe");
		TestAuthenticatorApp app = TestAuthenticatorApp.enrol(browser, nodeA.baseUrl(), password("abe"));
		String page = browser.get(nodeA.baseUrl() + "/account?lang=en").body();
		HttpResponse<String> refused = browser.postForm(nodeA.baseUrl() + "/account/recovery-codes",
				Map.of("current", "not-the-password", "_csrf", TestBrowser.csrf(page)));
		assertThat(TestBrowser.location(refused)).endsWith("/account#two-step");
		String again = browser.get(nodeA.baseUrl() + "/account?lang=en").body();
		HttpResponse<String> renewed = browser.postForm(nodeA.baseUrl() + "/account/recovery-codes",
				Map.of("current", password("abe"), "_csrf", TestBrowser.csrf(again)));
		assertThat(renewed.statusCode()).isEqualTo(200);
		assertThat(renewed.body()).contains("recovery-codes").doesNotContain(app.recoveryCodes().get(0));
		TestBrowser old = passwordAccepted(nodeB, "abe");
		assertThat(
				TestBrowser.location(TestAuthenticatorApp.submitCode(old, nodeB.baseUrl(), app.recoveryCodes().get(0))))
			.endsWith("/login/second-factor?error");
	}

	/**
	 * NIST SP 800-63B §5.2.2: after 100 wrong codes one after the other none is taken,
	 * the right one neither, until an administrator resets the factors; then the password
	 * alone signs in. HD-05: wrong codes from elsewhere (someone with the password) do
	 * not block the owner's own remembered browser, which counts its own.
	 */
	@Test
	void secondFactorWhenTooManyWrongCodesThenBlockedUntilAdministratorResets() {
		UserAccount bo = person("bo");
		TestAuthenticatorApp app = TestAuthenticatorApp.enrol(signedIn(nodeA, "bo"), nodeA.baseUrl(), password("bo"));
		// The owner's browser, remembered at a sign-in with both factors.
		TestBrowser own = new TestBrowser();
		HttpResponse<String> loginPage = own.get(nodeA.baseUrl() + "/login");
		HttpResponse<String> remembered = own.postForm(nodeA.baseUrl() + "/login", Map.of("username", "bo", "password",
				password("bo"), "remember-device", "true", "_csrf", TestBrowser.csrf(loginPage.body())));
		assertThat(TestBrowser.location(remembered)).endsWith("/login/second-factor");
		// A recovery code: each code of the app is good once, in its 30 s.
		assertThat(
				TestBrowser.location(TestAuthenticatorApp.submitCode(own, nodeA.baseUrl(), app.recoveryCodes().get(0))))
			.doesNotContain("/login");
		// The 99 before come from elsewhere over weeks (the throttle spaces them out).
		nodeA.bean(JdbcClient.class)
			.sql("UPDATE totp_authenticators SET consecutive_failures = ? WHERE user_id = ?")
			.params(SecondFactors.MOST_CONSECUTIVE_FAILURES - 1, bo.id())
			.update();
		TestBrowser browser = passwordAccepted(nodeA, "bo");
		assertThat(TestBrowser.location(TestAuthenticatorApp.submitCode(browser, nodeA.baseUrl(), "000000")))
			.endsWith("/login/second-factor?error");
		HttpResponse<String> right = TestAuthenticatorApp.submitCode(browser, nodeA.baseUrl(), app.nextCode());
		assertThat(TestBrowser.location(right)).endsWith("/login/second-factor?blocked");
		assertThat(browser.get(nodeA.baseUrl() + "/login/second-factor?blocked&lang=en").body())
			.contains("Ask an administrator");
		// The owner's remembered browser still signs in with the right code, which starts
		// the count anew for everyone.
		assertThat(TestBrowser.location(new OAuthFlows(nodeA.baseUrl()).signIn(own, "bo", password("bo"))))
			.endsWith("/login/second-factor");
		assertThat(TestBrowser.location(TestAuthenticatorApp.submitCode(own, nodeA.baseUrl(), app.nextCode())))
			.doesNotContain("/login");
		assertThat(nodeA.bean(SecondFactors.class).blocked(bo.id())).isFalse();
		nodeA.bean(JdbcClient.class)
			.sql("UPDATE totp_authenticators SET consecutive_failures = ? WHERE user_id = ?")
			.params(SecondFactors.MOST_CONSECUTIVE_FAILURES, bo.id())
			.update();

		assertThat(own.get(nodeA.baseUrl() + "/account").statusCode()).isEqualTo(200);

		assertThat(nodeA.bean(UserAdministration.class)
			.resetSecondFactors(bo.id().toString(), new Actor("admin", "admin", "127.0.0.1"))).isTrue();
		// The sign-in made with the factor removed ends.
		assertThat(TestBrowser.location(own.get(nodeA.baseUrl() + "/account"))).contains("/login");
		assertThat(
				TestBrowser.location(new OAuthFlows(nodeB.baseUrl()).signIn(new TestBrowser(), "bo", password("bo"))))
			.doesNotContain("second-factor")
			.doesNotContain("error");
	}

	/** The second-factor page without a password accepted first: the login page. */
	@Test
	void secondFactorWhenNoPasswordAcceptedThenLoginPage() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> login = browser.get(nodeA.baseUrl() + "/login");
		assertThat(TestBrowser.location(browser.get(nodeA.baseUrl() + "/login/second-factor")))
			.endsWith("/login?expired");
		HttpResponse<String> posted = browser.postForm(nodeA.baseUrl() + "/login/second-factor",
				Map.of("code", "123456", "_csrf", TestBrowser.csrf(login.body())));
		assertThat(TestBrowser.location(posted)).endsWith("/login?expired");
	}

	/** A browser whose password was accepted, waiting for the second factor. */
	private static TestBrowser passwordAccepted(LanyardTestServer node, String username) {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> login = new OAuthFlows(node.baseUrl()).signIn(browser, username, password(username));
		assertThat(TestBrowser.location(login)).endsWith("/login/second-factor");
		return browser;
	}

	private static TestBrowser signedIn(LanyardTestServer node, String username) {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> login = new OAuthFlows(node.baseUrl()).signIn(browser, username, password(username));
		assertThat(TestBrowser.location(login)).doesNotContain("error").doesNotContain("second-factor");
		return browser;
	}

	private static UserAccount person(String username) {
		return users
			.importUser(username, password(username), username + "@example.com", List.of("user"), Map.of(), Map.of(),
					true)
			.after();
	}

	private static String password(String username) {
		return username + "-password-for-two-step-tests";
	}

}
