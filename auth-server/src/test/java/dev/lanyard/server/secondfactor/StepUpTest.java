package dev.lanyard.server.secondfactor;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second factor asked of someone signed in with a password alone (a step-up), with the
 * shipped defaults: administrators at the console (no second factor yet: sent to set one
 * up; with one: asked for it and brought back), and an authorization request asking for
 * {@code urn:lanyard:acr:multi-factor}; docs/SECURITY.md LG-26.
 */
class StepUpTest {

	private static final String MULTI_FACTOR = "urn:lanyard:acr:multi-factor";

	private static LanyardTestServer node;

	private static UserService users;

	@BeforeAll
	static void setUp() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		// The shipped default: administrators need a second factor at the console.
		deployment.remove("lanyard.login.mfa-required-roles");
		// And a client whose users must sign in with two factors.
		try {
			java.nio.file.Path bootstrap = java.nio.file.Path.of(deployment.get("lanyard.bootstrap"));
			java.nio.file.Files.writeString(bootstrap, """
					  - client-id: mfa-app
					    client-secret: "%s"
					    redirect-uris: [%s]
					    grant-types: [authorization_code]
					    scopes: [openid]
					    require-mfa: true
					""".formatted(TestBootstrap.WEB_APP_SECRET, TestBootstrap.REDIRECT_URI),
					java.nio.file.StandardOpenOption.APPEND);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		node = LanyardTestServer.start(deployment);
		users = node.bean(UserService.class);
	}

	@AfterAll
	static void tearDown() {
		node.close();
		// A bean kept in a static field would keep the stopped node in memory for the
		// rest of the test JVM (LanyardTestServer#close).
		users = null;
	}

	@Test
	void consoleWhenAdministratorSignedInWithPasswordOnlyThenSecondFactorFirst() {
		person("ada", List.of("user", "admin"));
		TestBrowser browser = signedIn("ada");
		HttpResponse<String> console = browser.get(node.baseUrl() + "/admin");
		assertThat(console.statusCode()).isEqualTo(303);
		assertThat(TestBrowser.location(console)).endsWith("/account?second-factor-required#two-step");
		assertThat(browser.get(node.baseUrl() + "/account?second-factor-required&lang=en").body())
			.contains("require two-step sign-in");

		TestAuthenticatorApp app = TestAuthenticatorApp.enrol(browser, node.baseUrl(), password("ada"));
		// This session signed in with the password alone: the console asks for the code
		// and then shows the page asked for.
		HttpResponse<String> stepUp = browser.get(node.baseUrl() + "/admin/users");
		assertThat(TestBrowser.location(stepUp)).endsWith("/login/second-factor");
		HttpResponse<String> given = TestAuthenticatorApp.submitCode(browser, node.baseUrl(), app.nextCode());
		assertThat(TestBrowser.location(given)).contains("/admin/users");
		assertThat(browser.get(node.baseUrl() + "/admin/users").statusCode()).isEqualTo(200);

		// The role needs a second factor: the last one cannot be removed.
		String account = browser.get(node.baseUrl() + "/account?lang=en").body();
		HttpResponse<String> removal = browser.postForm(node.baseUrl() + "/account/authenticator/remove",
				Map.of("current", password("ada"), "_csrf", TestBrowser.csrf(account)));
		assertThat(TestBrowser.location(removal)).endsWith("/account#two-step");
		assertThat(browser.get(node.baseUrl() + "/account?lang=en").body())
			.contains("Your account requires two-step sign-in")
			.contains("after your password, sign-in asks for a code");

		// A new sign-in with both factors goes straight in.
		TestBrowser later = new TestBrowser();
		HttpResponse<String> password = new OAuthFlows(node.baseUrl()).signIn(later, "ada", password("ada"));
		assertThat(TestBrowser.location(password)).endsWith("/login/second-factor");
		TestAuthenticatorApp.submitCode(later, node.baseUrl(), app.recoveryCodes().get(0));
		assertThat(later.get(node.baseUrl() + "/admin").statusCode()).isEqualTo(200);
	}

	/**
	 * A session carried past its own "sign out everywhere else" still steps up: the
	 * second factor is checked against the cut-off it was carried past, as every request
	 * is (it was checked against its sign-in, older than the cut-off, and refused).
	 */
	@Test
	void stepUpWhenSessionEndedEveryOtherThenStillTakesTheSecondFactor() {
		person("ivo", List.of("user", "admin"));
		TestBrowser browser = signedIn("ivo");
		TestAuthenticatorApp app = TestAuthenticatorApp.enrol(browser, node.baseUrl(), password("ivo"));
		String account = browser.get(node.baseUrl() + "/account?lang=en").body();
		browser.postForm(node.baseUrl() + "/account/sessions/end-others", Map.of("_csrf", TestBrowser.csrf(account)));
		assertThat(browser.get(node.baseUrl() + "/account").statusCode()).isEqualTo(200);

		HttpResponse<String> stepUp = browser.get(node.baseUrl() + "/admin/users");
		assertThat(TestBrowser.location(stepUp)).endsWith("/login/second-factor");
		HttpResponse<String> given = TestAuthenticatorApp.submitCode(browser, node.baseUrl(), app.nextCode());
		assertThat(TestBrowser.location(given)).contains("/admin/users");
		assertThat(browser.get(node.baseUrl() + "/admin/users").statusCode()).isEqualTo(200);
	}

	/**
	 * The admin API asks of a person's token what the console asks of their session: a
	 * token from a sign-in with the password alone, through a client allowed the admin
	 * scope, is refused with RFC 9470's {@code insufficient_user_authentication} and the
	 * {@code acr_values} to ask for; one from a sign-in with both factors is taken. (A
	 * password alone used to reach everything the console guards with two factors.) A
	 * client's own token names no person and is taken as before.
	 */
	@Test
	void apiWhenAdministratorTokenFromPasswordOnlySignInThenSecondFactorAskedFor() {
		person("abe", List.of("user", "admin"));
		OAuthFlows flows = new OAuthFlows(node.baseUrl());
		TestBrowser browser = signedIn("abe");
		String passwordOnly = adminToolToken(flows, browser);
		HttpResponse<String> refused = new TestBrowser().get(flows.url("/api/admin/users"), "Authorization",
				"Bearer " + passwordOnly);
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
		assertThat(refused.headers().firstValue("WWW-Authenticate").orElse(""))
			.contains("error=\"insufficient_user_authentication\"")
			.contains("acr_values=\"" + MULTI_FACTOR + "\"");

		TestAuthenticatorApp app = TestAuthenticatorApp.enrol(browser, node.baseUrl(), password("abe"));
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		Map<String, String> request = new java.util.LinkedHashMap<>(
				OAuthFlows.codeRequest("admin-tool", TestBootstrap.REDIRECT_URI, "openid admin", "s", pkce));
		request.put("acr_values", MULTI_FACTOR);
		assertThat(TestBrowser.location(browser.get(flows.authorizeUrl(request)))).endsWith("/login/second-factor");
		String resumed = TestBrowser.location(TestAuthenticatorApp.submitCode(browser, node.baseUrl(), app.nextCode()));
		String twoFactors = (String) flows
			.tokensFor(TestBrowser.location(browser.get(resumed)), "admin-tool", TestBootstrap.WEB_APP_SECRET,
					TestBootstrap.REDIRECT_URI, pkce)
			.get("access_token");
		assertThat(new TestBrowser().get(flows.url("/api/admin/users"), "Authorization", "Bearer " + twoFactors)
			.statusCode()).isEqualTo(200);

		// Someone without the role is refused as before, not told a second factor would
		// do.
		person("abby", List.of("user"));
		HttpResponse<String> notAdmin = new TestBrowser().get(flows.url("/api/admin/users"), "Authorization",
				"Bearer " + adminToolToken(flows, signedIn("abby")));
		assertThat(notAdmin.statusCode()).isEqualTo(403);
		assertThat(notAdmin.headers().firstValue("WWW-Authenticate").orElse(""))
			.doesNotContain("insufficient_user_authentication");

		String automation = (String) TestBrowser.json(flows.token(new TestBrowser(), "automation",
				TestBootstrap.AUTOMATION_SECRET, Map.of("grant_type", "client_credentials", "scope", "admin")))
			.get("access_token");
		assertThat(new TestBrowser().get(flows.url("/api/admin/users"), "Authorization", "Bearer " + automation)
			.statusCode()).isEqualTo(200);
	}

	private static String adminToolToken(OAuthFlows flows, TestBrowser browser) {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		Map<String, String> request = OAuthFlows.codeRequest("admin-tool", TestBootstrap.REDIRECT_URI, "openid admin",
				"s", pkce);
		return (String) flows
			.tokensFor(TestBrowser.location(browser.get(flows.authorizeUrl(request))), "admin-tool",
					TestBootstrap.WEB_APP_SECRET, TestBootstrap.REDIRECT_URI, pkce)
			.get("access_token");
	}

	@Test
	void consoleWhenNotAdministratorThenForbiddenNotAskedForSecondFactor() {
		person("ben", List.of("user"));
		assertThat(signedIn("ben").get(node.baseUrl() + "/admin").statusCode()).isEqualTo(403);
	}

	/**
	 * OpenID Connect Core §3.1.2.1 {@code acr_values}: a session signed in with one
	 * factor is asked for the second, and the request resumes; the ID token says so.
	 */
	@Test
	void authorizationWhenAcrValuesAskForMultiFactorThenStepUpThenAcrMet() {
		person("cy", List.of("user"));
		TestBrowser browser = signedIn("cy");
		TestAuthenticatorApp app = TestAuthenticatorApp.enrol(browser, node.baseUrl(), password("cy"));
		OAuthFlows flows = new OAuthFlows(node.baseUrl());
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		Map<String, String> request = new java.util.LinkedHashMap<>(
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", pkce));
		request.put("acr_values", MULTI_FACTOR);
		HttpResponse<String> asked = browser.get(flows.authorizeUrl(request));
		assertThat(TestBrowser.location(asked)).endsWith("/login/second-factor");
		HttpResponse<String> given = TestAuthenticatorApp.submitCode(browser, node.baseUrl(), app.nextCode());
		String resumed = TestBrowser.location(given);
		assertThat(resumed).contains("/oauth2/authorize").contains("acr_values");
		Map<String, Object> idToken = idToken(flows, TestBrowser.location(browser.get(resumed)), pkce);
		assertThat(idToken).containsEntry("acr", MULTI_FACTOR).containsEntry("amr", List.of("pwd", "otp", "mfa"));

		// OpenID Connect Core §5.5.1.1: asked for single-factor as essential, the ID
		// token
		// names that value, which the multi-factor sign-in meets.
		TestBrowser.Pkce again = TestBrowser.Pkce.create();
		Map<String, String> essential = new java.util.LinkedHashMap<>(
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", again));
		essential.put("claims",
				"{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"urn:lanyard:acr:single-factor\"]}}}");
		assertThat(idToken(flows, TestBrowser.location(browser.get(flows.authorizeUrl(essential))), again))
			.containsEntry("acr", "urn:lanyard:acr:single-factor")
			.containsEntry("amr", List.of("pwd", "otp", "mfa"));
	}

	/**
	 * Without a second factor, a voluntary {@code acr_values} is answered with what the
	 * sign-in met; an essential one (the {@code claims} parameter) is refused.
	 */
	@Test
	void authorizationWhenMultiFactorAskedWithoutSecondFactorThenSingleFactorOrRefused() {
		person("dee", List.of("user"));
		TestBrowser browser = signedIn("dee");
		OAuthFlows flows = new OAuthFlows(node.baseUrl());
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		Map<String, String> voluntary = new java.util.LinkedHashMap<>(
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", pkce));
		voluntary.put("acr_values", MULTI_FACTOR);
		String callback = TestBrowser.location(browser.get(flows.authorizeUrl(voluntary)));
		assertThat(idToken(flows, callback, pkce)).containsEntry("acr", "urn:lanyard:acr:single-factor");

		Map<String, String> essential = new java.util.LinkedHashMap<>(OAuthFlows.codeRequest("web-app",
				TestBootstrap.REDIRECT_URI, "openid", "s", TestBrowser.Pkce.create()));
		essential.put("claims", "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"" + MULTI_FACTOR + "\"]}}}");
		String refused = TestBrowser.location(browser.get(flows.authorizeUrl(essential)));
		assertThat(TestBrowser.queryParameters(refused)).containsEntry("error", "access_denied");
	}

	/**
	 * A client registered with {@code require-mfa}: a session signed in with the password
	 * alone is asked for the second factor, or, without one, sent to set one up;
	 * {@code prompt=none} gets {@code interaction_required}.
	 */
	@Test
	void authorizationWhenClientRequiresMultiFactorThenStepUpOrSetUp() {
		person("eli", List.of("user"));
		TestBrowser browser = signedIn("eli");
		TestAuthenticatorApp app = TestAuthenticatorApp.enrol(browser, node.baseUrl(), password("eli"));
		OAuthFlows flows = new OAuthFlows(node.baseUrl());
		Map<String, String> silent = new java.util.LinkedHashMap<>(OAuthFlows.codeRequest("mfa-app",
				TestBootstrap.REDIRECT_URI, "openid", "s", TestBrowser.Pkce.create()));
		silent.put("prompt", "none");
		assertThat(TestBrowser.queryParameters(TestBrowser.location(browser.get(flows.authorizeUrl(silent)))))
			.containsEntry("error", "interaction_required");

		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		HttpResponse<String> asked = browser.get(
				flows.authorizeUrl(OAuthFlows.codeRequest("mfa-app", TestBootstrap.REDIRECT_URI, "openid", "s", pkce)));
		assertThat(TestBrowser.location(asked)).endsWith("/login/second-factor");
		String resumed = TestBrowser.location(TestAuthenticatorApp.submitCode(browser, node.baseUrl(), app.nextCode()));
		String callback = TestBrowser.location(browser.get(resumed));
		Map<String, Object> tokens = flows.tokensFor(callback, "mfa-app", TestBootstrap.WEB_APP_SECRET,
				TestBootstrap.REDIRECT_URI, pkce);
		assertThat(TestBrowser.jwtClaims((String) tokens.get("id_token"))).containsEntry("acr", MULTI_FACTOR);

		person("fay", List.of("user"));
		HttpResponse<String> setUp = signedIn("fay").get(flows.authorizeUrl(OAuthFlows.codeRequest("mfa-app",
				TestBootstrap.REDIRECT_URI, "openid", "s", TestBrowser.Pkce.create())));
		assertThat(TestBrowser.location(setUp)).endsWith("/account?second-factor-required#two-step");
	}

	/**
	 * A person marked {@code mfa-required}: every client's request steps up a session
	 * signed in with the password alone; without a second factor, set one up first; the
	 * last one cannot be removed.
	 */
	@Test
	void authorizationWhenPersonRequiresMultiFactorThenEveryClientStepsUp() {
		UserService accounts = users;
		person("gus", List.of("user"));
		java.util.UUID gus = accounts.search("gus", 1, 0).get(0).id();
		node.bean(dev.lanyard.admin.user.UserAdministration.class)
			.requireSecondFactor(gus.toString(), true, new dev.lanyard.admin.Actor("admin", "admin", "127.0.0.1"));
		TestBrowser browser = signedIn("gus");
		OAuthFlows flows = new OAuthFlows(node.baseUrl());
		assertThat(TestBrowser.location(browser.get(flows.authorizeUrl(OAuthFlows.codeRequest("web-app",
				TestBootstrap.REDIRECT_URI, "openid", "s", TestBrowser.Pkce.create())))))
			.endsWith("/account?second-factor-required#two-step");
		TestAuthenticatorApp app = TestAuthenticatorApp.enrol(browser, node.baseUrl(), password("gus"));
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		assertThat(TestBrowser.location(browser.get(flows
			.authorizeUrl(OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", pkce)))))
			.endsWith("/login/second-factor");
		String resumed = TestBrowser.location(TestAuthenticatorApp.submitCode(browser, node.baseUrl(), app.nextCode()));
		assertThat(idToken(flows, TestBrowser.location(browser.get(resumed)), pkce)).containsEntry("acr", MULTI_FACTOR);
		String account = browser.get(node.baseUrl() + "/account?lang=en").body();
		browser.postForm(node.baseUrl() + "/account/authenticator/remove",
				Map.of("current", password("gus"), "_csrf", TestBrowser.csrf(account)));
		assertThat(browser.get(node.baseUrl() + "/account?lang=en").body())
			.contains("after your password, sign-in asks for a code");
	}

	/**
	 * Two factors required after a grant of one began: its refresh token no longer gives
	 * tokens (the person signs in again, with two).
	 */
	@Test
	void refreshWhenPersonRequiredTwoFactorsSinceThenRefused() {
		person("hal", List.of("user"));
		TestBrowser browser = signedIn("hal");
		OAuthFlows flows = new OAuthFlows(node.baseUrl());
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String callback = TestBrowser.location(browser.get(flows
			.authorizeUrl(OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", pkce))));
		String refreshToken = (String) flows
			.tokensFor(callback, "web-app", TestBootstrap.WEB_APP_SECRET, TestBootstrap.REDIRECT_URI, pkce)
			.get("refresh_token");
		assertThat(refreshToken).isNotNull();
		java.util.UUID hal = users.search("hal", 1, 0).get(0).id();
		node.bean(dev.lanyard.admin.user.UserAdministration.class)
			.requireSecondFactor(hal.toString(), true, new dev.lanyard.admin.Actor("admin", "admin", "127.0.0.1"));
		HttpResponse<String> refreshed = flows.refresh(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
				refreshToken);
		assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(400);
		assertThat(refreshed.body()).contains("invalid_grant");
	}

	private static Map<String, Object> idToken(OAuthFlows flows, String callback, TestBrowser.Pkce pkce) {
		return TestBrowser.jwtClaims((String) flows
			.tokensFor(callback, "web-app", TestBootstrap.WEB_APP_SECRET, TestBootstrap.REDIRECT_URI, pkce)
			.get("id_token"));
	}

	private static TestBrowser signedIn(String username) {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> login = new OAuthFlows(node.baseUrl()).signIn(browser, username, password(username));
		assertThat(TestBrowser.location(login)).doesNotContain("error").doesNotContain("second-factor");
		return browser;
	}

	private static void person(String username, List<String> roles) {
		users.importUser(username, password(username), username + "@example.com", roles, Map.of(), Map.of(), true);
	}

	private static String password(String username) {
		return username + "-password-for-step-up-tests";
	}

}
