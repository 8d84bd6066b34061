package dev.lanyard.server.admin;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.secondfactor.SecondFactors;
import dev.lanyard.server.user.UserService;
import dev.lanyard.server.user.UserAccount;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin console over real HTTP: access rules, forms, confirmations, audit. */
class AdminConsoleTest {

	private static final Pattern SECRET = Pattern
		.compile("id=\"client-secret\" type=\"text\" readonly value=\"([^\"]+)\"");

	private static OAuthFlows flows;

	private static TestBrowser admin;

	@BeforeAll
	static void signInAdmin() {
		flows = SharedLanyard.flows();
		admin = new TestBrowser();
		assertThat(flows.signIn(admin, "alice", TestBootstrap.ALICE_PASSWORD).statusCode()).isIn(302, 303);
	}

	@Test
	void consoleWhenNotSignedInThenLoginAndWhenNotAdminThen403() {
		HttpResponse<String> anonymous = new TestBrowser().get(flows.url("/admin"));
		assertThat(anonymous.statusCode()).isEqualTo(302);
		assertThat(TestBrowser.location(anonymous)).isEqualTo(flows.url("/login"));
		TestBrowser bob = new TestBrowser();
		flows.signIn(bob, "bob", TestBootstrap.BOB_PASSWORD);
		for (String path : new String[] { "/admin", "/admin/", "/admin/clients", "/admin/users/new", "/admin/keys" }) {
			HttpResponse<String> refused = bob.get(flows.url(path), "Accept", "text/html");
			assertThat(refused.statusCode()).as(path).isEqualTo(403);
			assertThat(refused.body()).doesNotContain("Register a client");
		}
		assertThat(bob
			.postForm(flows.url("/admin/keys/rotate"),
					Map.of("_csrf", TestBrowser.csrf(bob.get(flows.url("/logout")).body())))
			.statusCode()).isEqualTo(403);
	}

	/** Path tricks do not get around the console's rules. */
	@Test
	void consoleWhenPathVariantsThenNeverServedToOutsiders() {
		TestBrowser bob = new TestBrowser();
		flows.signIn(bob, "bob", TestBootstrap.BOB_PASSWORD);
		for (String path : new String[] { "//admin", "/admin;x", "/%61dmin", "/admin/", "/admin/./clients",
				"/admin/%2e%2e/admin/clients", "/ADMIN", "/admin/clients/..;/keys" }) {
			for (TestBrowser browser : new TestBrowser[] { new TestBrowser(), bob }) {
				HttpResponse<String> response = browser.get(flows.url(path), "Accept", "text/html");
				assertThat(response.statusCode()).as(path).isNotEqualTo(200);
				assertThat(response.body()).as(path).doesNotContain("Lanyard admin");
			}
		}
	}

	@Test
	void dashboardWhenAdminThenCountsChartAndEvents() {
		flows.token(new TestBrowser(), "service", TestBootstrap.SERVICE_SECRET,
				Map.of("grant_type", "client_credentials"));
		HttpResponse<String> dashboard = admin.get(flows.url("/admin"));
		assertThat(dashboard.statusCode()).isEqualTo(200);
		assertThat(dashboard.body()).contains("id=\"count-clients\"")
			.contains("<svg class=\"chart\"")
			.contains("client_credentials")
			.contains("login.succeeded");
		assertThat(dashboard.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
		assertThat(dashboard.body()).doesNotContain("<script").doesNotContain("style=\"");
		assertThat(admin.get(flows.url("/admin?lang=zh-CN")).body()).contains("概览");
		admin.get(flows.url("/admin?lang=en"));
	}

	@Test
	void clientWhenRegisteredThroughConsoleThenValidatedSecretShownOnceAndAudited() {
		String page = admin.get(flows.url("/admin/clients/new")).body();
		String clientId = "console-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, String> form = clientForm(clientId, "https://console.example/cb#fragment", TestBrowser.csrf(page));

		HttpResponse<String> withoutCsrf = admin.postForm(flows.url("/admin/clients/new"),
				clientForm(clientId, "https://console.example/cb", ""));
		assertThat(withoutCsrf.statusCode()).isEqualTo(403);

		// HD-07: a client that can receive codes at a redirect URI needs the password
		// again.
		HttpResponse<String> unconfirmed = admin.postForm(flows.url("/admin/clients/new"), form);
		assertThat(unconfirmed.body()).contains("That is not your password.");
		assertThat(admin.get(flows.url("/admin/clients/" + clientId)).statusCode()).isEqualTo(404);

		form.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
		HttpResponse<String> invalid = admin.postForm(flows.url("/admin/clients/new"), form);
		assertThat(invalid.statusCode()).isEqualTo(200);
		assertThat(invalid.body()).contains("must not contain a fragment").contains("class=\"field-error\"");
		assertThat(admin.get(flows.url("/admin/clients/" + clientId)).statusCode()).isEqualTo(404);

		form.put("redirectUris", "https://console.example/cb");
		HttpResponse<String> created = admin.postForm(flows.url("/admin/clients/new"), form);
		Matcher secret = SECRET.matcher(created.body());
		assertThat(secret.find()).as(created.body()).isTrue();
		assertThat(secret.group(1)).startsWith("lycs_");
		assertThat(created.body()).contains("shown only this once");

		HttpResponse<String> duplicate = admin.postForm(flows.url("/admin/clients/new"), form);
		assertThat(duplicate.body()).contains("A client with this id already exists.");

		String clientPage = admin.get(flows.url("/admin/clients/" + clientId)).body();
		assertThat(clientPage).contains(clientId).doesNotContain(secret.group(1));
		assertThat(admin.get(flows.url("/admin/clients?q=" + clientId)).body()).contains(clientId);
		assertThat(admin.get(flows.url("/admin/audit?action=client.created")).body()).contains("client:" + clientId);

		// The secret works at the token endpoint.
		HttpResponse<String> token = flows.token(new TestBrowser(), clientId, secret.group(1),
				Map.of("grant_type", "client_credentials"));
		assertThat(TestBrowser.json(token).get("error")).isEqualTo("unauthorized_client");
	}

	@Test
	void clientWhenRedirectUrisChangedThenPasswordConfirmationRequired() {
		String clientId = registerClient();
		String page = admin.get(flows.url("/admin/clients/" + clientId)).body();
		Map<String, String> form = clientForm(clientId, "https://console.example/other", TestBrowser.csrf(page));
		HttpResponse<String> unconfirmed = admin.postForm(flows.url("/admin/clients/" + clientId), form);
		assertThat(unconfirmed.body()).contains("That is not your password.");
		assertThat(admin.get(flows.url("/admin/clients/" + clientId)).body())
			.doesNotContain("https://console.example/other");
		form.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
		HttpResponse<String> confirmed = admin.postForm(flows.url("/admin/clients/" + clientId), form);
		assertThat(confirmed.statusCode()).isEqualTo(302);
		assertThat(admin.get(flows.url("/admin/clients/" + clientId)).body()).contains("https://console.example/other");
		assertThat(admin.get(flows.url("/admin/audit?action=client.updated")).body()).contains("client:" + clientId);
	}

	/**
	 * Widening what a client may obtain needs the password too, not only redirect
	 * changes.
	 */
	@Test
	void clientWhenGrantsOrAdminScopeWidenedThenPasswordConfirmationRequired() {
		String clientId = registerClient();
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/clients/" + clientId)).body());
		Map<String, String> wider = clientForm(clientId, "https://console.example/cb", csrf);
		wider.put("grantTypes", "authorization_code,client_credentials");
		Map<String, String> adminScope = clientForm(clientId, "https://console.example/cb", csrf);
		adminScope.put("scopes", "openid profile admin");
		Map<String, String> renamed = clientForm(clientId, "https://console.example/cb", csrf);
		renamed.put("clientName", "Renamed client");
		for (Map<String, String> form : java.util.List.of(wider, adminScope)) {
			HttpResponse<String> unconfirmed = admin.postForm(flows.url("/admin/clients/" + clientId), form);
			assertThat(unconfirmed.body()).contains("That is not your password.");
		}
		assertThat(admin.get(flows.url("/admin/clients/" + clientId)).body())
			.doesNotContain("client_credentials\" checked");
		// A harmless change goes through without it.
		assertThat(admin.postForm(flows.url("/admin/clients/" + clientId), renamed).statusCode()).isEqualTo(302);
		adminScope.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
		assertThat(admin.postForm(flows.url("/admin/clients/" + clientId), adminScope).statusCode()).isEqualTo(302);

		// Registering a client with the admin scope needs it as well.
		String newClientId = "console-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, String> adminClient = clientForm(newClientId, "https://console.example/cb", csrf);
		adminClient.put("scopes", "admin");
		assertThat(admin.postForm(flows.url("/admin/clients/new"), adminClient).body())
			.contains("That is not your password.");
		assertThat(admin.get(flows.url("/admin/clients/" + newClientId)).statusCode()).isEqualTo(404);
	}

	/** Making someone an administrator needs the password. */
	@Test
	void userWhenGivenAdminRoleThenPasswordConfirmationRequired() {
		String username = "would-be-admin-" + UUID.randomUUID().toString().substring(0, 6);
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/users/new")).body());
		Map<String, String> form = new LinkedHashMap<>(Map.of("_csrf", csrf, "username", username, "password",
				"would-be-admin-password-5", "roles", "user admin", "enabled", "true"));
		assertThat(admin.postForm(flows.url("/admin/users/new"), form).body()).contains("That is not your password.");
		form.put("roles", "user");
		HttpResponse<String> created = admin.postForm(flows.url("/admin/users/new"), form);
		assertThat(created.statusCode()).isEqualTo(302);
		String userPage = TestBrowser.location(created);
		String userId = userPage.substring(userPage.lastIndexOf('/') + 1, userPage.indexOf('?'));

		form.remove("password");
		form.put("roles", "user admin");
		assertThat(admin.postForm(flows.url("/admin/users/" + userId), form).body())
			.contains("That is not your password.");
		assertThat(admin.get(flows.url("/admin/users/" + userId)).body()).doesNotContain("user admin");
		form.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
		assertThat(admin.postForm(flows.url("/admin/users/" + userId), form).statusCode()).isEqualTo(302);
		assertThat(admin.get(flows.url("/admin/users/" + userId)).body()).contains("user admin");
	}

	/**
	 * A form shown before someone else changed the account (here: disabled it in an
	 * incident) does not undo that change when saved: nothing is saved, the page says
	 * why, and the form shown again saves. The stale form enabled the account again.
	 */
	@Test
	void userWhenChangedSinceTheFormWasShownThenNothingSavedAndTheChangeStays() {
		String username = "edited-twice-" + UUID.randomUUID().toString().substring(0, 6);
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/users/new")).body());
		Map<String, String> form = new LinkedHashMap<>(Map.of("_csrf", csrf, "username", username, "password",
				"edited-twice-password-5", "roles", "user", "enabled", "true"));
		HttpResponse<String> created = admin.postForm(flows.url("/admin/users/new"), form);
		assertThat(created.statusCode()).isEqualTo(302);
		String userPage = TestBrowser.location(created);
		String userId = userPage.substring(userPage.lastIndexOf('/') + 1, userPage.indexOf('?'));
		form.remove("password");
		form.put("version", version(admin.get(flows.url("/admin/users/" + userId)).body()));

		// Meanwhile, elsewhere: disabled.
		UserService users = SharedLanyard.server().bean(UserService.class);
		UserAccount shown = users.get(UUID.fromString(userId));
		users.update(shown.id(), shown.username(), shown.email(), false, false, shown.roles(), shown.attributes(),
				null);

		// An address for the account (confirmed with the administrator's password).
		form.put("email", username + "@example.com");
		form.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
		HttpResponse<String> stale = admin.postForm(flows.url("/admin/users/" + userId), form);
		assertThat(stale.statusCode()).isEqualTo(200);
		assertThat(stale.body()).contains("Someone changed this user since this page was shown");
		assertThat(users.get(shown.id()).enabled()).isFalse();
		assertThat(users.get(shown.id()).email()).isNull();

		// The form shown again: its box unticked (a browser posts only the marker).
		form.put("version", version(admin.get(flows.url("/admin/users/" + userId)).body()));
		form.remove("enabled");
		form.put("_enabled", "on");
		assertThat(admin.postForm(flows.url("/admin/users/" + userId), form).statusCode()).isEqualTo(302);
		assertThat(users.get(shown.id()).email()).isEqualTo(username + "@example.com");
		assertThat(users.get(shown.id()).enabled()).isFalse();
	}

	/**
	 * What is not the account's information leaves the form's version: a new password,
	 * the end of the person's sign-ins, whether two factors are required (none of which
	 * the form writes). Each refused the save, for nothing the form could undo.
	 */
	@Test
	void userWhenOnlyItsPasswordSignInsOrSecondFactorRuleChangedSinceShownThenSaved() {
		String username = "kept-version-" + UUID.randomUUID().toString().substring(0, 6);
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/users/new")).body());
		Map<String, String> form = new LinkedHashMap<>(Map.of("_csrf", csrf, "username", username, "password",
				"kept-version-password-5", "roles", "user", "enabled", "true"));
		HttpResponse<String> created = admin.postForm(flows.url("/admin/users/new"), form);
		assertThat(created.statusCode()).isEqualTo(302);
		String userPage = TestBrowser.location(created);
		UUID userId = UUID.fromString(userPage.substring(userPage.lastIndexOf('/') + 1, userPage.indexOf('?')));
		form.remove("password");
		form.put("version", version(admin.get(flows.url("/admin/users/" + userId)).body()));

		UserService users = SharedLanyard.server().bean(UserService.class);
		users.setPassword(userId, "kept-version-password-6");
		users.endSignIns(userId);
		assertThat(SharedLanyard.server().bean(SecondFactors.class).require(userId, true)).isTrue();

		form.put("email", username + "@example.com");
		form.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
		HttpResponse<String> saved = admin.postForm(flows.url("/admin/users/" + userId), form);
		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
		assertThat(users.get(userId).email()).isEqualTo(username + "@example.com");
	}

	/**
	 * The same for a client: a form shown before another administrator changed its
	 * redirect URIs does not put the old ones back.
	 */
	@Test
	void clientWhenChangedSinceTheFormWasShownThenNothingSavedAndTheChangeStays() {
		String clientId = registerClient();
		String page = admin.get(flows.url("/admin/clients/" + clientId)).body();
		Map<String, String> form = clientForm(clientId, "https://console.example/mine", TestBrowser.csrf(page));
		form.put("version", version(page));
		form.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);

		// Meanwhile, in another console: other redirect URIs, saved.
		Map<String, String> other = clientForm(clientId, "https://console.example/theirs", TestBrowser.csrf(page));
		other.put("version", version(page));
		other.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
		assertThat(admin.postForm(flows.url("/admin/clients/" + clientId), other).statusCode()).isEqualTo(302);

		HttpResponse<String> stale = admin.postForm(flows.url("/admin/clients/" + clientId), form);
		assertThat(stale.statusCode()).isEqualTo(200);
		assertThat(stale.body()).contains("Someone changed this client since this page was shown");
		assertThat(admin.get(flows.url("/admin/clients/" + clientId)).body()).contains("https://console.example/theirs")
			.doesNotContain("https://console.example/mine");
	}

	private static String version(String page) {
		Matcher version = Pattern.compile("name=\"version\" value=\"([^\"]+)\"").matcher(page);
		assertThat(version.find()).as("the form carries the account's version").isTrue();
		return version.group(1);
	}

	@Test
	void clientWhenSecretRegeneratedThenOldStopsAndNewWorks() {
		String clientId = registerClient();
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/clients/" + clientId)).body());
		HttpResponse<String> wrong = admin.postForm(flows.url("/admin/clients/" + clientId + "/secret"),
				Map.of("_csrf", csrf, "confirmPassword", "not-my-password"));
		assertThat(wrong.body()).contains("That is not your password.");
		HttpResponse<String> regenerated = admin.postForm(flows.url("/admin/clients/" + clientId + "/secret"),
				Map.of("_csrf", csrf, "confirmPassword", TestBootstrap.ALICE_PASSWORD));
		Matcher secret = SECRET.matcher(regenerated.body());
		assertThat(secret.find()).isTrue();
		assertThat(flows.introspect(new TestBrowser(), clientId, secret.group(1), "lyat_x"))
			.isEqualTo(Map.of("active", false));
	}

	@Test
	void clientWhenDeletedAfterConfirmationThenGone() {
		String clientId = registerClient();
		HttpResponse<String> confirm = admin.get(flows.url("/admin/clients/" + clientId + "/delete"));
		assertThat(confirm.body()).contains("Delete client " + clientId + "?");
		HttpResponse<String> refused = admin.postForm(flows.url("/admin/clients/" + clientId + "/delete"),
				Map.of("_csrf", TestBrowser.csrf(confirm.body()), "confirmPassword", "not-the-password"));
		assertThat(refused.body()).contains("That is not your password.");
		assertThat(admin.get(flows.url("/admin/clients/" + clientId)).statusCode()).isEqualTo(200);
		HttpResponse<String> deleted = admin.postForm(flows.url("/admin/clients/" + clientId + "/delete"),
				Map.of("_csrf", TestBrowser.csrf(confirm.body()), "confirmPassword", TestBootstrap.ALICE_PASSWORD));
		assertThat(TestBrowser.location(deleted)).endsWith("/admin/clients?deleted");
		assertThat(admin.get(flows.url("/admin/clients/" + clientId)).statusCode()).isEqualTo(404);
		assertThat(admin.get(flows.url("/admin/audit?action=client.deleted")).body()).contains("client:" + clientId);
	}

	@Test
	void userWhenManagedThroughConsoleThenRulesConfirmationsAndRevocation() {
		String username = "console-user-" + UUID.randomUUID().toString().substring(0, 6);
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/users/new")).body());
		Map<String, String> form = new LinkedHashMap<>(
				Map.of("_csrf", csrf, "username", username, "email", username + "@example.com", "password",
						"password123", "roles", "user", "attributes", "tenant=acme", "enabled", "true"));
		assertThat(admin.postForm(flows.url("/admin/users/new"), form).body()).contains("This password is too common");
		form.put("password", "console-user-password-77");
		HttpResponse<String> created = admin.postForm(flows.url("/admin/users/new"), form);
		assertThat(created.statusCode()).isEqualTo(302);
		String userPage = TestBrowser.location(created);
		String userId = userPage.substring(userPage.lastIndexOf('/') + 1, userPage.indexOf('?'));

		// The user signs in and holds a grant.
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String redirect = flows.authorizeWithLogin(new TestBrowser(),
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", pkce), username,
				"console-user-password-77");
		String accessToken = (String) TestBrowser
			.json(flows.redeemCode(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
					TestBrowser.queryParameters(redirect).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier()))
			.get("access_token");
		assertThat(admin.get(flows.url("/admin/sessions?user=" + userId)).body()).contains("web-app");

		// A new password needs the admin's password.
		HttpResponse<String> unconfirmed = admin.postForm(flows.url("/admin/users/" + userId + "/password"),
				Map.of("_csrf", csrf, "password", "another-password-88", "confirmPassword", "wrong"));
		assertThat(unconfirmed.body()).contains("That is not your password.");
		HttpResponse<String> set = admin.postForm(flows.url("/admin/users/" + userId + "/password"),
				Map.of("_csrf", csrf, "password", "another-password-88", "confirmPassword",
						TestBootstrap.ALICE_PASSWORD, "signOutEverywhere", "true"));
		assertThat(TestBrowser.location(set)).endsWith("?password");
		assertThat(flows.introspect(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET, accessToken))
			.isEqualTo(Map.of("active", false));

		// Disabling keeps the user out.
		form.remove("password");
		form.put("enabled", "false");
		form.put("_enabled", "on");
		assertThat(admin.postForm(flows.url("/admin/users/" + userId), form).statusCode()).isEqualTo(302);
		assertThat(TestBrowser.location(flows.signIn(new TestBrowser(), username, "another-password-88")))
			.endsWith("/login?error");
		assertThat(admin.postForm(flows.url("/admin/users/" + userId + "/unlock"), Map.of("_csrf", csrf)).statusCode())
			.isEqualTo(302);
		String audit = admin.get(flows.url("/admin/audit?action=user.")).body();
		assertThat(audit).contains("user.created")
			.contains("user.password_set")
			.contains("user.updated")
			.contains("user.unlocked")
			.doesNotContain("another-password-88")
			.doesNotContain("console-user-password-77");
	}

	@Test
	void sessionsAndKeysWhenRevokedOrRotatedThenImmediate() {
		String serviceToken = (String) TestBrowser.json(flows.token(new TestBrowser(), "service",
				TestBootstrap.SERVICE_SECRET, Map.of("grant_type", "client_credentials")))
			.get("access_token");
		HttpResponse<String> sessions = admin.get(flows.url("/admin/sessions?client=service"));
		assertThat(sessions.body()).contains("service");
		HttpResponse<String> revoked = admin.postForm(flows.url("/admin/sessions/revoke-all"),
				Map.of("_csrf", TestBrowser.csrf(sessions.body()), "client", "service"));
		assertThat(TestBrowser.location(revoked)).contains("revoked");
		assertThat(flows.introspect(new TestBrowser(), "service", TestBootstrap.SERVICE_SECRET, serviceToken))
			.isEqualTo(Map.of("active", false));

		String keys = admin.get(flows.url("/admin/keys")).body();
		assertThat(keys).contains("state-active").contains("state-next");
		String jwksBefore = new TestBrowser().get(flows.url("/oauth2/jwks")).body();
		HttpResponse<String> rotated = admin.postForm(flows.url("/admin/keys/rotate"),
				Map.of("_csrf", TestBrowser.csrf(keys)));
		assertThat(TestBrowser.location(rotated)).endsWith("/admin/keys?rotated");
		assertThat(AdminApiTest.eventually(() -> admin.get(flows.url("/admin/keys")).body(),
				(page) -> page.contains("state-retired")))
			.isTrue();
		// The console reads the keys from PostgreSQL; the JWKS is this node's snapshot,
		// re-read right after the rotation's transaction commits (milliseconds later).
		assertThat(AdminApiTest.eventually(() -> new TestBrowser().get(flows.url("/oauth2/jwks")).body(),
				(jwks) -> !jwks.equals(jwksBefore)))
			.isTrue();
		// The emergency rotation needs the password again (done for real in
		// AdminReauthenticationTest,
		// on a server of its own: it breaks every token signed so far).
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/keys")).body());
		String activeBefore = activeKid(admin.get(flows.url("/admin/keys")).body());
		assertThat(admin
			.postForm(flows.url("/admin/keys/rotate-emergency"), Map.of("_csrf", csrf, "confirmPassword", "wrong"))
			.body()).contains("That is not your password.");
		assertThat(new TestBrowser().get(flows.url("/oauth2/jwks")).body()).contains(activeBefore);
	}

	/**
	 * HD-07: turning consent off, or letting a client introspect others' tokens, needs
	 * the password.
	 */
	@Test
	void hd07ClientWhenConsentTurnedOffOrIntrospectionOnThenPasswordRequired() {
		String clientId = "console-" + UUID.randomUUID().toString().substring(0, 8);
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/clients/new")).body());
		Map<String, String> consenting = clientForm(clientId, "https://console.example/cb", csrf);
		consenting.put("requireConsent", "true");
		consenting.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
		assertThat(SECRET.matcher(admin.postForm(flows.url("/admin/clients/new"), consenting).body()).find()).isTrue();

		Map<String, String> consentOff = clientForm(clientId, "https://console.example/cb", csrf);
		assertThat(admin.postForm(flows.url("/admin/clients/" + clientId), consentOff).body())
			.contains("That is not your password.");
		Map<String, String> introspecting = clientForm(clientId, "https://console.example/cb", csrf);
		introspecting.put("requireConsent", "true");
		introspecting.put("introspectionAllowed", "true");
		assertSavedOnlyWithPassword(clientId, introspecting, "name=\"requireConsent\" value=\"true\" checked");
		assertThat(admin.get(flows.url("/admin/clients/" + clientId)).body())
			.contains("name=\"introspectionAllowed\" value=\"true\" checked");
	}

	/**
	 * HD-07: turning PKCE off on an existing client, the only change, needs the password
	 * (a code without a challenge can be injected into another session, RFC 9700 §4.8).
	 */
	@Test
	void hd07ClientWhenPkceTurnedOffThenPasswordRequired() {
		String clientId = registerClient();
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/clients/" + clientId)).body());
		Map<String, String> pkceOff = clientForm(clientId, "https://console.example/cb", csrf);
		// An unticked box, as a browser posts it: only the form's marker field.
		pkceOff.remove("requirePkce");
		pkceOff.put("_requirePkce", "on");

		assertSavedOnlyWithPassword(clientId, pkceOff, "name=\"requirePkce\" value=\"true\" checked");
		assertThat(admin.get(flows.url("/admin/clients/" + clientId)).body()).contains("name=\"requirePkce\"")
			.doesNotContain("name=\"requirePkce\" value=\"true\" checked");
	}

	/**
	 * The change is refused without the administrator's password (the client page still
	 * shows what it had), then saved with it.
	 */
	private static void assertSavedOnlyWithPassword(String clientId, Map<String, String> form, String stillShown) {
		assertThat(admin.postForm(flows.url("/admin/clients/" + clientId), form).body())
			.contains("That is not your password.");
		assertThat(admin.get(flows.url("/admin/clients/" + clientId)).body()).contains(stillShown);
		form.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
		assertThat(admin.postForm(flows.url("/admin/clients/" + clientId), form).statusCode()).isEqualTo(302);
	}

	/**
	 * HD-08: a public client's form is saved as shown (its type radios are disabled, so
	 * not posted).
	 */
	@Test
	void hd08ClientWhenPublicClientSavedUnchangedThenSaved() {
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/clients/spa")).body());
		Map<String, String> form = clientForm("spa", "http://127.0.0.1:8765/callback", csrf);
		form.remove("type");
		form.put("clientName", "Single Page App");
		form.put("grantTypes", "authorization_code,refresh_token");
		HttpResponse<String> saved = admin.postForm(flows.url("/admin/clients/spa"), form);
		assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
		// A rule about something the form does not show is reported on the page, not a
		// 500.
		Map<String, String> wrong = clientForm("spa", "http://127.0.0.1:8765/callback", csrf);
		wrong.put("grantTypes", "authorization_code,client_credentials");
		wrong.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
		HttpResponse<String> refused = admin.postForm(flows.url("/admin/clients/spa"), wrong);
		assertThat(refused.statusCode()).isEqualTo(200);
		assertThat(refused.body()).contains("class=\"field-error\"");
	}

	/** HD-08: page numbers and lifetimes out of range are answered, never a 500. */
	@Test
	void hd08ConsoleWhenNumbersOutOfRangeThenAnswered() {
		assertThat(admin.get(flows.url("/admin/clients?page=2147483647")).statusCode()).isEqualTo(200);
		assertThat(admin.get(flows.url("/admin/users?page=2147483647")).statusCode()).isEqualTo(200);
		assertThat(admin.get(flows.url("/admin/audit?page=2147483647")).statusCode()).isEqualTo(200);
		assertThat(admin.get(flows.url("/admin/clients?page=nope"), "Accept", "text/html").statusCode()).isEqualTo(400);
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/clients/new")).body());
		for (String ttl : new String[] { "9223372036854775807s", "106751991167301d", "999999999999999999999d",
				"-5m" }) {
			Map<String, String> form = clientForm("console-" + UUID.randomUUID().toString().substring(0, 8),
					"https://console.example/cb", csrf);
			form.put("accessTokenTtl", ttl);
			form.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
			HttpResponse<String> response = admin.postForm(flows.url("/admin/clients/new"), form);
			assertThat(response.statusCode()).as(ttl).isEqualTo(200);
			assertThat(response.body()).contains("class=\"field-error\"");
		}
	}

	private static String activeKid(String keysPage) {
		Matcher active = Pattern
			.compile("<code>([^<]+)</code></td>\\s*<td>RS256</td>\\s*<td><span class=\"chip state-active\"")
			.matcher(keysPage);
		assertThat(active.find()).as(keysPage).isTrue();
		return active.group(1);
	}

	private static String registerClient() {
		String clientId = "console-" + UUID.randomUUID().toString().substring(0, 8);
		String csrf = TestBrowser.csrf(admin.get(flows.url("/admin/clients/new")).body());
		Map<String, String> form = clientForm(clientId, "https://console.example/cb", csrf);
		form.put("confirmPassword", TestBootstrap.ALICE_PASSWORD);
		HttpResponse<String> created = admin.postForm(flows.url("/admin/clients/new"), form);
		assertThat(SECRET.matcher(created.body()).find()).isTrue();
		return clientId;
	}

	private static Map<String, String> clientForm(String clientId, String redirectUri, String csrf) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("_csrf", csrf);
		form.put("clientId", clientId);
		form.put("clientName", "Console client");
		form.put("type", "confidential");
		form.put("redirectUris", redirectUri);
		form.put("postLogoutRedirectUris", "");
		form.put("grantTypes", "authorization_code");
		form.put("scopes", "openid profile");
		form.put("requirePkce", "true");
		form.put("enabled", "true");
		form.put("accessTokenTtl", "15m");
		form.put("refreshTokenIdle", "8h");
		form.put("refreshTokenMax", "30d");
		form.put("exchangeAudiences", "");
		return form;
	}

}
