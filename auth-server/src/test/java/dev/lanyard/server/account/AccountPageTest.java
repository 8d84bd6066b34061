package dev.lanyard.server.account;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.lanyard.admin.Actor;
import dev.lanyard.admin.user.UserAdministration;
import dev.lanyard.admin.user.UserDraft;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.secondfactor.TestAuthenticatorApp;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The self-service account page ({@code /account}; docs/SECURITY.md LG-23) over real HTTP
 * on two nodes: the profile, the password (every other sign-in and every grant ends, on
 * either node; this session goes on), the applications with access, the sign-ins.
 */
class AccountPageTest {

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
	 * The person edits their standard claims; a verification stays only for the value it
	 * was made for, and a value that breaks its rule is named and nothing is saved.
	 */
	@Test
	void profileWhenSavedThenStoredAndVerificationsOnlyForUnchangedValues() {
		UserAccount pat = person("pat",
				Map.of("email_verified", "true", "phone_number", "+1 555 0100", "phone_number_verified", "true"));
		TestBrowser browser = signedIn(nodeA, "pat");
		HttpResponse<String> page = browser.get(nodeA.baseUrl() + "/account?lang=en");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("pat").contains("Your account");

		assertThat(page.body()).contains("<span>pat</span>");
		// The form sends every field back, the unchanged phone number too: its
		// verification stays.
		HttpResponse<String> saved = browser.postForm(nodeA.baseUrl() + "/account/profile",
				Map.of("claim.given_name", "Pat", "claim.phone_number", "+1 555 0100", "claim.locale", "en-GB", "_csrf",
						TestBrowser.csrf(page.body())));
		assertThat(saved.statusCode()).isEqualTo(302);
		assertThat(users.get(pat.id()).claims()).containsEntry("phone_number_verified", "true");
		HttpResponse<String> second = browser.get(nodeA.baseUrl() + "/account?lang=en");
		browser.postForm(nodeA.baseUrl() + "/account/profile", Map.of("claim.given_name", "Pat", "claim.phone_number",
				"+1 555 0199", "claim.locale", "en-GB", "_csrf", TestBrowser.csrf(second.body())));
		String shown = browser.get(nodeA.baseUrl() + "/account?lang=en").body();
		assertThat(shown).contains("Your profile is saved")
			.containsPattern("name=\"claim.given_name\"[^>]*value=\"Pat\"")
			.doesNotContainPattern("name=\"claim.name\"[^>]*value=\"Pat\"");
		Map<String, String> claims = users.get(pat.id()).claims();
		assertThat(claims).containsEntry("given_name", "Pat")
			.containsEntry("phone_number", "+1 555 0199")
			.containsEntry("locale", "en-GB")
			.containsEntry("email_verified", "true")
			.doesNotContainKey("phone_number_verified");
		// The same form again changes nothing: no event (two saves, two events).
		HttpResponse<String> unchanged = browser.get(nodeA.baseUrl() + "/account?lang=en");
		browser.postForm(nodeA.baseUrl() + "/account/profile", Map.of("claim.given_name", "Pat", "claim.phone_number",
				"+1 555 0199", "claim.locale", "en-GB", "_csrf", TestBrowser.csrf(unchanged.body())));
		assertThat(JdbcClient.create(nodeA.bean(DataSource.class))
			.sql("SELECT count(*) FROM audit_events WHERE action = 'account.profile_changed' AND target = ?")
			.param("user:" + pat.id())
			.query(Integer.class)
			.single()).isEqualTo(2);

		HttpResponse<String> again = browser.get(nodeA.baseUrl() + "/account?lang=en");
		browser.postForm(nodeA.baseUrl() + "/account/profile", Map.of("claim.given_name", "Changed", "claim.birthdate",
				"tomorrow", "_csrf", TestBrowser.csrf(again.body())));
		assertThat(browser.get(nodeA.baseUrl() + "/account?lang=en").body()).contains("Check these fields")
			.contains("Birth date");
		assertThat(users.get(pat.id()).claims()).containsEntry("given_name", "Pat");
	}

	/**
	 * A new password needs the current one and the policy; then every grant and every
	 * other sign-in ends, on either node, and this session goes on.
	 */
	@Test
	void passwordWhenChangedThenOtherSessionsAndGrantsEndAndThisSessionGoesOn() {
		person("quinn", Map.of());
		TestBrowser here = signedIn(nodeA, "quinn");
		TestBrowser elsewhere = signedIn(nodeB, "quinn");
		String token = accessToken(nodeA, "quinn");
		OAuthFlows flows = new OAuthFlows(nodeA.baseUrl());
		TestBrowser client = new TestBrowser();
		assertThat(flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET, token)).containsEntry("active",
				true);

		assertThat(changePassword(here, "not-the-password", "quinn-new-password-2026-autumn"))
			.contains("current password is not correct");
		assertThat(changePassword(here, password("quinn"), "short")).contains("at least 8 characters");
		HttpResponse<String> openForm = elsewhere.get(nodeB.baseUrl() + "/account");
		assertThat(openForm.statusCode()).as("nothing changed yet").isEqualTo(200);

		assertThat(changePassword(here, password("quinn"), "quinn-new-password-2026-autumn"))
			.contains("Your password is changed");
		assertThat(flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET, token)).containsEntry("active",
				false);
		// A form still open in the other session: sign in again, not "forbidden".
		HttpResponse<String> staleForm = elsewhere.postForm(nodeB.baseUrl() + "/account/profile",
				Map.of("claim.nickname", "q", "_csrf", TestBrowser.csrf(openForm.body())));
		assertThat(staleForm.statusCode()).isEqualTo(303);
		assertThat(TestBrowser.location(staleForm)).endsWith("/login?expired");
		assertThat(new TestBrowser().get(nodeB.baseUrl() + "/login?expired&lang=en").body())
			.contains("Your session has ended");
		HttpResponse<String> other = elsewhere.get(nodeB.baseUrl() + "/account");
		assertThat(other.statusCode()).isEqualTo(302);
		assertThat(TestBrowser.location(other)).endsWith("/login");
		assertThat(here.get(nodeB.baseUrl() + "/account").statusCode()).as("this session, on either node")
			.isEqualTo(200);
		assertThat(new OAuthFlows(nodeB.baseUrl()).signIn(new TestBrowser(), "quinn", "quinn-new-password-2026-autumn")
			.headers()
			.firstValue("Location")
			.orElse("")).doesNotContain("error");
		assertThat(new OAuthFlows(nodeB.baseUrl()).signIn(new TestBrowser(), "quinn", password("quinn"))
			.headers()
			.firstValue("Location")
			.orElse("")).contains("error");
	}

	/**
	 * The current-password check is the login page's budget for the account: wrong
	 * answers on the page leave the login page refusing the right password too (a
	 * username in any case, counted under its canonical form).
	 */
	@Test
	void passwordWhenCurrentOneGuessedThenTheLoginPageBudgetIsSpent() {
		person("Vera", Map.of());
		TestBrowser thief = signedIn(nodeA, "Vera");
		for (int i = 0; i < 10; i++) {
			assertThat(changePassword(thief, "guess-" + i, "vera-new-password-2026-autumn"))
				.contains("current password is not correct");
		}
		assertThat(changePassword(thief, password("Vera"), "vera-new-password-2026-autumn"))
			.contains("Too many sign-in attempts");
		HttpResponse<String> login = new OAuthFlows(nodeB.baseUrl()).signIn(new TestBrowser(), "vera",
				password("Vera"));
		assertThat(TestBrowser.location(login)).contains("throttled");
	}

	/**
	 * A changed password gives this session a new id: a copy of the old cookie (the usual
	 * reason to change it) is signed out like every other session.
	 */
	@Test
	void passwordWhenChangedThenTheOldSessionCookieIsSignedOut() {
		person("wren", Map.of());
		TestBrowser wren = signedIn(nodeA, "wren");
		String copied = wren.cookie("LANYARD_SESSION");
		assertThat(copied).isNotNull();
		assertThat(
				new TestBrowser().get(nodeA.baseUrl() + "/account", "Cookie", "LANYARD_SESSION=" + copied).statusCode())
			.isEqualTo(200);
		assertThat(changePassword(wren, password("wren"), "wren-new-password-2026-autumn"))
			.contains("Your password is changed");
		assertThat(wren.cookie("LANYARD_SESSION")).isNotEqualTo(copied);
		HttpResponse<String> copy = new TestBrowser().get(nodeB.baseUrl() + "/account", "Cookie",
				"LANYARD_SESSION=" + copied);
		assertThat(copy.statusCode()).isEqualTo(302);
		assertThat(TestBrowser.location(copy)).endsWith("/login");
	}

	/**
	 * An administrator's "sign out everywhere" ends the person's browser sessions too.
	 */
	@Test
	void adminPasswordResetWhenSignOutEverywhereThenBrowserSessionsEnd() {
		UserAccount xan = person("xan", Map.of());
		TestBrowser browser = signedIn(nodeB, "xan");
		assertThat(browser.get(nodeB.baseUrl() + "/account").statusCode()).isEqualTo(200);
		nodeA.bean(UserAdministration.class)
			.setPassword(xan.id().toString(), "xan-new-password-2026-autumn", true,
					new Actor("test-admin", "test-admin", "127.0.0.1"));
		HttpResponse<String> after = browser.get(nodeB.baseUrl() + "/account");
		assertThat(after.statusCode()).isEqualTo(302);
		assertThat(TestBrowser.location(after)).endsWith("/login");
	}

	/** An application's access ends when the person revokes it; nobody else can. */
	@Test
	void applicationsWhenRevokedThenItsTokenStopsAndOthersCannotRevokeIt() {
		person("robin", Map.of());
		person("sam", Map.of());
		String token = accessToken(nodeA, "robin");
		TestBrowser robin = signedIn(nodeB, "robin");
		HttpResponse<String> page = robin.get(nodeB.baseUrl() + "/account?lang=en");
		assertThat(page.body()).contains("Web App")
			.contains("Signed in")
			.contains("class=\"device\"")
			// How: the password alone.
			.contains("<span class=\"methods\"><span>password</span></span>");
		Matcher revoke = Pattern.compile("/account/applications/([^/\"]+)/revoke").matcher(page.body());
		assertThat(revoke.find()).isTrue();
		String grantId = revoke.group(1);

		TestBrowser sam = signedIn(nodeA, "sam");
		HttpResponse<String> samPage = sam.get(nodeA.baseUrl() + "/account");
		for (int i = 0; i < 3; i++) {
			sam.postForm(nodeA.baseUrl() + "/account/applications/" + grantId + "/revoke",
					Map.of("_csrf", TestBrowser.csrf(samPage.body())));
		}
		// Recorded, once a minute for the person (each refusal would add a row).
		assertThat(JdbcClient.create(nodeA.bean(DataSource.class))
			.sql("SELECT count(*) FROM audit_events WHERE action = 'account.application_revoke_refused' "
					+ "AND details ->> 'grant' = ?")
			.param(grantId)
			.query(Integer.class)
			.single()).isEqualTo(1);
		OAuthFlows flows = new OAuthFlows(nodeA.baseUrl());
		assertThat(flows.introspect(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET, token))
			.as("another person's revocation")
			.containsEntry("active", true);

		robin.postForm(nodeB.baseUrl() + "/account/applications/" + grantId + "/revoke",
				Map.of("_csrf", TestBrowser.csrf(page.body())));
		assertThat(flows.introspectRevokedElsewhere(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET, token))
			.containsEntry("active", false);
		assertThat(robin.get(nodeB.baseUrl() + "/account?lang=en").body())
			.contains("The application no longer has access");
	}

	/**
	 * LG-13 (ASVS 5.0 7.4.5): the person sees where they are signed in and signs one of
	 * those sessions out from another: it ends at its next request on either node, and
	 * the tokens it got go with it; another person cannot end it; "everywhere else" ends
	 * all but this one.
	 */
	@Test
	void sessionsWhenOneSignedOutFromAnotherThenItEndsOnEveryNodeWithItsTokens() throws InterruptedException {
		person("uma", Map.of());
		person("vic", Map.of());
		TestBrowser laptop = signedIn(nodeB, "uma");
		TestBrowser phone = new TestBrowser();
		OAuthFlows flows = new OAuthFlows(nodeA.baseUrl());
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String answer = flows.authorizeWithLogin(phone,
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", pkce), "uma",
				password("uma"));
		HttpResponse<String> tokens = flows.redeemCode(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
				TestBrowser.queryParameters(answer).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier());
		String phoneToken = (String) TestBrowser.json(tokens).get("access_token");

		HttpResponse<String> page = laptop.get(nodeB.baseUrl() + "/account?lang=en");
		assertThat(page.body()).contains("Where you are signed in").contains("(this browser)");
		Matcher end = Pattern.compile("/account/sessions/([^/\"]+)/end").matcher(page.body());
		assertThat(end.find()).as("the phone's session, with a button").isTrue();
		String phoneSession = end.group(1);
		assertThat(end.find()).as("only the other session has one").isFalse();

		// Another person cannot end it.
		TestBrowser vic = signedIn(nodeB, "vic");
		HttpResponse<String> vicPage = vic.get(nodeB.baseUrl() + "/account?lang=en");
		vic.postForm(nodeB.baseUrl() + "/account/sessions/" + phoneSession + "/end",
				Map.of("_csrf", TestBrowser.csrf(vicPage.body())));
		assertThat(vic.get(nodeB.baseUrl() + "/account?lang=en").body()).contains("not going on any more");
		assertThat(phone.get(nodeB.baseUrl() + "/account").statusCode()).isEqualTo(200);

		laptop.postForm(nodeB.baseUrl() + "/account/sessions/" + phoneSession + "/end",
				Map.of("_csrf", TestBrowser.csrf(page.body())));
		assertThat(laptop.get(nodeB.baseUrl() + "/account?lang=en").body()).contains("That session is signed out")
			.doesNotContain("/account/sessions/" + phoneSession + "/end");
		HttpResponse<String> phoneAfter = phone.get(nodeB.baseUrl() + "/account");
		assertThat(phoneAfter.statusCode()).as("on the other node too").isEqualTo(302);
		assertThat(TestBrowser.location(phoneAfter)).endsWith("/login");
		assertThat(phone.get(nodeA.baseUrl() + "/account").statusCode()).isEqualTo(302);
		assertThat(flows.introspect(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET, phoneToken))
			.containsEntry("active", false);
		assertThat(laptop.get(nodeA.baseUrl() + "/account").statusCode()).as("this session goes on").isEqualTo(200);

		// Everywhere else: a tablet signed in meanwhile ends with its tokens, the laptop
		// goes on.
		TestBrowser tablet = new TestBrowser();
		TestBrowser.Pkce tabletPkce = TestBrowser.Pkce.create();
		String tabletAnswer = flows.authorizeWithLogin(tablet,
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "t", tabletPkce), "uma",
				password("uma"));
		String tabletToken = (String) TestBrowser.json(flows.redeemCode(new TestBrowser(), "web-app",
				TestBootstrap.WEB_APP_SECRET, TestBrowser.queryParameters(tabletAnswer).get("code"),
				TestBootstrap.REDIRECT_URI, tabletPkce.verifier()))
			.get("access_token");
		HttpResponse<String> again = laptop.get(nodeB.baseUrl() + "/account?lang=en");
		assertThat(again.body()).containsPattern("/account/sessions/[^/\"]+/end");
		// The laptop's sign-in is more than a second old by now.
		Thread.sleep(1500);
		laptop.postForm(nodeB.baseUrl() + "/account/sessions/end-others",
				Map.of("_csrf", TestBrowser.csrf(again.body())));
		// Asking proved nothing: the laptop's sign-in is as old as before (this once
		// counted as a sign-in just now, renewing auth_time, max_age and the absolute
		// lifetime for whoever held the cookie).
		Map<String, String> recentOnly = OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "m",
				TestBrowser.Pkce.create());
		recentOnly.put("prompt", "none");
		recentOnly.put("max_age", "1");
		assertThat(TestBrowser.location(laptop.get(new OAuthFlows(nodeB.baseUrl()).authorizeUrl(recentOnly))))
			.contains("error=login_required");
		assertThat(tablet.get(nodeA.baseUrl() + "/account").statusCode()).isEqualTo(302);
		assertThat(flows.introspect(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET, tabletToken))
			.containsEntry("active", false);
		String after = laptop.get(nodeB.baseUrl() + "/account?lang=en").body();
		assertThat(after).contains("You are signed out everywhere else")
			.doesNotContainPattern("/account/sessions/[^/\"]+/end");

		// The laptop went on past the cut-off: a browser signing in afterwards lists it,
		// and can sign it out.
		TestBrowser desk = signedIn(nodeA, "uma");
		assertThat(desk.get(nodeA.baseUrl() + "/account?lang=en").body())
			.containsPattern("/account/sessions/[^/\"]+/end");
	}

	/**
	 * An end of every sign-in is told from a sign-in by identity, not by time
	 * (SECURITY.md LG-23): the database's and the nodes' clocks differ. A session begun
	 * before an end stamped a minute behind the clock of the node that signed the person
	 * in ends all the same (it used to go on: it "began after" the end); a sign-in after
	 * an end stamped a minute ahead goes on (it used to end at once), and so does a
	 * session that ends every other one after such a stamp, while the others end.
	 */
	@Test
	void sessionsWhenEndsOfEverySignInAreStampedByAnotherClockThenOnlyTheSignInsBeforeThemEnd() {
		UserAccount yves = person("yves", Map.of());
		JdbcClient database = JdbcClient.create(nodeA.bean(DataSource.class));
		TestBrowser before = signedIn(nodeA, "yves");
		assertThat(before.get(nodeB.baseUrl() + "/account").statusCode()).isEqualTo(200);
		assertThat(database.sql("UPDATE users SET sign_ins_not_before = now() - interval '1 minute' WHERE id = ?")
			.param(yves.id())
			.update()).isEqualTo(1);
		HttpResponse<String> ended = before.get(nodeB.baseUrl() + "/account");
		assertThat(ended.statusCode()).isEqualTo(302);
		assertThat(TestBrowser.location(ended)).endsWith("/login");
		// Nor is it on the person's list of sessions (its last request noted it as used).
		String listed = signedIn(nodeA, "yves").get(nodeA.baseUrl() + "/account?lang=en").body();
		assertThat(listed).doesNotContainPattern("/account/sessions/[^/\"]+/end");

		assertThat(database.sql("UPDATE users SET sign_ins_not_before = now() + interval '1 minute' WHERE id = ?")
			.param(yves.id())
			.update()).isEqualTo(1);
		TestBrowser after = signedIn(nodeB, "yves");
		TestBrowser other = signedIn(nodeA, "yves");
		HttpResponse<String> page = after.get(nodeA.baseUrl() + "/account?lang=en");
		assertThat(page.statusCode()).as("a sign-in after the end").isEqualTo(200);
		assertThat(other.get(nodeB.baseUrl() + "/account").statusCode()).isEqualTo(200);
		after.postForm(nodeB.baseUrl() + "/account/sessions/end-others",
				Map.of("_csrf", TestBrowser.csrf(page.body())));
		assertThat(after.get(nodeA.baseUrl() + "/account").statusCode()).as("the session that ended the others")
			.isEqualTo(200);
		assertThat(other.get(nodeB.baseUrl() + "/account").statusCode()).isEqualTo(302);
	}

	/**
	 * Asking again and again for what changes nothing ("revoke all" with nothing granted,
	 * "sign out everywhere else" with no other session) is audited once a minute, not at
	 * every request: the audit table is never emptied, and a signed-in person could fill
	 * it.
	 */
	@Test
	void accountWhenNothingToRevokeOrEndAskedAgainAndAgainThenAuditedOnce() {
		UserAccount zoe = person("zoe", Map.of());
		TestBrowser browser = signedIn(nodeA, "zoe");
		for (int i = 0; i < 4; i++) {
			String csrf = TestBrowser.csrf(browser.get(nodeA.baseUrl() + "/account").body());
			assertThat(browser.postForm(nodeA.baseUrl() + "/account/applications/revoke-all", Map.of("_csrf", csrf))
				.statusCode()).isEqualTo(302);
			csrf = TestBrowser.csrf(browser.get(nodeA.baseUrl() + "/account").body());
			assertThat(browser.postForm(nodeA.baseUrl() + "/account/sessions/end-others", Map.of("_csrf", csrf))
				.statusCode()).isEqualTo(302);
		}
		dev.lanyard.server.audit.AuditLog audit = nodeA.bean(dev.lanyard.server.audit.AuditLog.class);
		assertThat(audit.count(zoe.id().toString(), "account.applications_revoked", null, null)).isEqualTo(1);
		assertThat(audit.count(zoe.id().toString(), "account.sessions_ended", null, null)).isEqualTo(1);
		assertThat(browser.get(nodeA.baseUrl() + "/account").statusCode()).isEqualTo(200);
	}

	/**
	 * Disabling or locking an account ends its sign-in sessions for good: one that made
	 * no request meanwhile does not come back when the account is enabled again (it was
	 * checked only at each request, so an idle one did, and with it silent sign-ins).
	 */
	@Test
	void sessionWhenAccountDisabledAndEnabledAgainWhileIdleThenItStaysEnded() {
		UserAccount wyn = person("wyn", Map.of());
		TestBrowser idle = signedIn(nodeB, "wyn");
		UserAdministration administration = nodeA.bean(UserAdministration.class);
		Actor admin = new Actor("test-admin", "test-admin", "127.0.0.1");
		for (boolean[] withdrawn : new boolean[][] { { false, false }, { true, true } }) {
			administration.update(wyn.id().toString(),
					new UserDraft("wyn", "wyn@example.com", withdrawn[0], withdrawn[1], List.of("user"), Map.of()),
					admin);
			administration.update(wyn.id().toString(),
					new UserDraft("wyn", "wyn@example.com", true, false, List.of("user"), Map.of()), admin);
			assertThat(TestBrowser.location(idle.get(nodeB.baseUrl() + "/account"))).endsWith("/login");
			idle = signedIn(nodeB, "wyn");
		}
	}

	/**
	 * A second factor added (ASVS 5.0 7.4.3: the person may be locking a thief out) ends
	 * every other session with the tokens it got, as "sign out everywhere else" does; the
	 * refresh tokens of the ended sessions used to go on for their 30 days.
	 */
	@Test
	void sessionsWhenSecondFactorAddedThenOtherSessionsEndWithTheirTokens() {
		person("xia", Map.of());
		TestBrowser thief = new TestBrowser();
		OAuthFlows flows = new OAuthFlows(nodeA.baseUrl());
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String answer = flows.authorizeWithLogin(thief,
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", pkce), "xia",
				password("xia"));
		Map<String, Object> tokens = TestBrowser
			.json(flows.redeemCode(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
					TestBrowser.queryParameters(answer).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier()));

		TestBrowser owner = signedIn(nodeB, "xia");
		TestAuthenticatorApp.enrol(owner, nodeB.baseUrl(), password("xia"));

		assertThat(TestBrowser.location(thief.get(nodeA.baseUrl() + "/account"))).endsWith("/login");
		assertThat(flows.introspect(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
				(String) tokens.get("access_token")))
			.containsEntry("active", false);
		HttpResponse<String> refreshed = flows.refresh(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
				(String) tokens.get("refresh_token"));
		assertThat(refreshed.statusCode()).isEqualTo(400);
		assertThat(owner.get(nodeB.baseUrl() + "/account").statusCode()).as("this session goes on").isEqualTo(200);
	}

	@Test
	void accountWhenNotSignedInOrWithoutCsrfThenNothing() {
		HttpResponse<String> anonymous = new TestBrowser().get(nodeA.baseUrl() + "/account");
		assertThat(TestBrowser.location(anonymous)).endsWith("/login");
		person("tess", Map.of());
		TestBrowser tess = signedIn(nodeA, "tess");
		assertThat(tess.postForm(nodeA.baseUrl() + "/account/password", Map.of("current", password("tess"), "password",
				"tess-new-password-2026-autumn", "passwordAgain", "tess-new-password-2026-autumn"))
			.statusCode()).isEqualTo(403);
		assertThat(tess.postForm(nodeA.baseUrl() + "/account/applications/revoke-all", Map.of()).statusCode())
			.isEqualTo(403);
	}

	private static UserAccount person(String username, Map<String, String> claims) {
		return users
			.importUser(username, password(username), username + "@example.com", List.of("user"), Map.of(), claims,
					true)
			.after();
	}

	private static String password(String username) {
		return username + "-password-for-account-tests";
	}

	private static TestBrowser signedIn(LanyardTestServer node, String username) {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> login = new OAuthFlows(node.baseUrl()).signIn(browser, username, password(username));
		assertThat(TestBrowser.location(login)).doesNotContain("error");
		return browser;
	}

	/** An access token of web-app's for the person, by the code flow. */
	private static String accessToken(LanyardTestServer node, String username) {
		OAuthFlows flows = new OAuthFlows(node.baseUrl());
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String answer = flows.authorizeWithLogin(new TestBrowser(),
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile", "s", pkce), username,
				password(username));
		String code = TestBrowser.queryParameters(answer).get("code");
		HttpResponse<String> tokens = flows.redeemCode(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET, code,
				TestBootstrap.REDIRECT_URI, pkce.verifier());
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		return (String) TestBrowser.json(tokens).get("access_token");
	}

	/** Changes the password on the page; returns the page shown afterwards. */
	private static String changePassword(TestBrowser browser, String current, String next) {
		HttpResponse<String> page = browser.get(nodeA.baseUrl() + "/account?lang=en");
		HttpResponse<String> posted = browser.postForm(nodeA.baseUrl() + "/account/password", Map.of("current", current,
				"password", next, "passwordAgain", next, "_csrf", TestBrowser.csrf(page.body())));
		assertThat(posted.statusCode()).isEqualTo(302);
		return browser.get(nodeA.baseUrl() + "/account?lang=en").body();
	}

}
