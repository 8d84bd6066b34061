package dev.lanyard.server.secondfactor;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
		assertThat(browser.get(nodeA.baseUrl() + "/account?lang=en").body()).contains("Two-step sign-in is off");
		assertThat(
				TestBrowser.location(new OAuthFlows(nodeA.baseUrl()).signIn(new TestBrowser(), "wes", password("wes"))))
			.doesNotContain("second-factor");
		assertThat(enrolment.recoveryCodes()).hasSize(10);
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
