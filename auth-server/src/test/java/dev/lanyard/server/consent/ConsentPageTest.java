package dev.lanyard.server.consent;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The consent page (LG-20): who asks, in plain words, approve or deny. */
class ConsentPageTest {

	private static final Pattern STATE = Pattern.compile("name=\"state\" value=\"([^\"]+)\"");

	private final OAuthFlows flows = SharedLanyard.flows();

	@Test
	void consentWhenApprovedThenCodeAndNotAskedAgain() {
		TestBrowser browser = new TestBrowser();
		assertThat(this.flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		HttpResponse<String> request = browser.get(this.flows.authorizeUrl(OAuthFlows.codeRequest("consenting-app",
				TestBootstrap.REDIRECT_URI, "openid profile email", "s1", pkce)));
		assertThat(request.statusCode()).isEqualTo(302);
		String consentUrl = TestBrowser.location(request);
		assertThat(consentUrl).startsWith(this.flows.url("/oauth2/consent?"));
		HttpResponse<String> page = browser.get(consentUrl);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("Consenting App wants to access your account")
			.contains("See your name and profile: nickname, picture, website, gender, birthdate")
			.contains("See your email address")
			.contains("<code>consenting-app</code>");
		assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");

		HttpResponse<String> consented = browser.postForm(this.flows.url("/oauth2/authorize"),
				Map.of("client_id", "consenting-app", "state", state(page.body()), "scope", "profile"));
		// OA-19, RFC 9700 §4.12: never a 307 or 308, which would re-post the form to the
		// client.
		assertThat(consented.statusCode()).isIn(302, 303);
		String approved = TestBrowser.location(consented);
		Map<String, String> response = TestBrowser.queryParameters(approved);
		assertThat(approved).startsWith(TestBootstrap.REDIRECT_URI);
		assertThat(response.get("code")).startsWith("lyac_");
		assertThat(response.get("state")).isEqualTo("s1");
		assertThat(response.get("iss")).isEqualTo(SharedLanyard.server().baseUrl());

		HttpResponse<String> again = browser.get(this.flows.authorizeUrl(OAuthFlows.codeRequest("consenting-app",
				TestBootstrap.REDIRECT_URI, "openid profile", "s2", TestBrowser.Pkce.create())));
		assertThat(TestBrowser.location(again)).startsWith(TestBootstrap.REDIRECT_URI).contains("code=");
		// Given once, audited once, with what it gave.
		String bob = SharedLanyard.userId("bob");
		assertThat(consentEvents("consent.granted", "consenting-app")).filteredOn((event) -> bob.equals(event.actor()))
			.singleElement()
			.satisfies((event) -> assertThat(event.details()).containsEntry("scopes", List.of("openid", "profile")));
	}

	/** The audit log's consent events for a client. */
	private static List<AuditLog.Event> consentEvents(String action, String clientId) {
		return SharedLanyard.server()
			.bean(AuditLog.class)
			.search(null, action, null, null, 100, 0)
			.stream()
			.filter((event) -> ("client:" + clientId).equals(event.target()))
			.toList();
	}

	/** The consent page speaks the language the authorization request asked for. */
	@Test
	void consentWhenUiLocalesThenThatLanguage() {
		TestBrowser browser = new TestBrowser();
		assertThat(this.flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
		Map<String, String> request = new LinkedHashMap<>(OAuthFlows.codeRequest("consenting-app",
				TestBootstrap.REDIRECT_URI, "openid profile", "zh", TestBrowser.Pkce.create()));
		request.put("ui_locales", "zh-CN en");
		HttpResponse<String> asked = browser.get(this.flows.authorizeUrl(request), "Accept-Language", "en-US");
		HttpResponse<String> page = browser.get(TestBrowser.location(asked), "Accept-Language", "en-US");
		assertThat(page.body()).contains("<html lang=\"zh-CN\">");
	}

	@Test
	void consentWhenDeniedThenAccessDenied() {
		TestBrowser browser = new TestBrowser();
		assertThat(this.flows.signIn(browser, "alice", TestBootstrap.ALICE_PASSWORD).statusCode()).isIn(302, 303);
		HttpResponse<String> request = browser.get(this.flows.authorizeUrl(OAuthFlows.codeRequest("consenting-app",
				TestBootstrap.REDIRECT_URI, "openid email", "deny-me", TestBrowser.Pkce.create())));
		HttpResponse<String> page = browser.get(TestBrowser.location(request));
		HttpResponse<String> denied = browser.postForm(this.flows.url("/oauth2/authorize"),
				Map.of("client_id", "consenting-app", "state", state(page.body())));
		assertThat(denied.statusCode()).isIn(302, 303);
		Map<String, String> response = TestBrowser.queryParameters(TestBrowser.location(denied));
		assertThat(response.get("error")).isEqualTo("access_denied");
		assertThat(response.get("state")).isEqualTo("deny-me");
		assertThat(response).doesNotContainKey("code");
	}

	/**
	 * The page is shown only for a state the authorization endpoint issued, pending for
	 * this person and client, and lists what that request asked for: a link of anyone's
	 * making (another state, a made-up one, words put in {@code scope}) cannot put its
	 * words under a real client's name on this server's page.
	 */
	@Test
	void consentPageWhenLinkMadeUpThenRefusedAndOnlyTheRequestsScopesShown() {
		TestBrowser browser = new TestBrowser();
		assertThat(this.flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
		HttpResponse<String> request = browser.get(this.flows.authorizeUrl(OAuthFlows.codeRequest("consenting-app",
				TestBootstrap.REDIRECT_URI, "openid email", "real", TestBrowser.Pkce.create())));
		String consentUrl = TestBrowser.location(request);
		String words = "Your\u00A0account\u00A0is\u00A0locked.\u00A0Call\u00A0us";
		HttpResponse<String> added = browser.get(consentUrl + "&scope="
				+ java.net.URLEncoder.encode("openid " + words, java.nio.charset.StandardCharsets.UTF_8));
		assertThat(added.statusCode()).isEqualTo(200);
		// (The language links repeat the query, encoded: the words are not shown.)
		assertThat(added.body()).contains("See your email address")
			.doesNotContain(words)
			.doesNotContain("Use the permission");
		String state = TestBrowser.queryParameters(consentUrl).get("state");
		assertThat(browser.get(this.flows.url("/oauth2/consent?client_id=consenting-app&scope=openid&state=made-up"))
			.statusCode()).isEqualTo(400);
		// Another person's pending request, with its real state.
		TestBrowser other = new TestBrowser();
		assertThat(this.flows.signIn(other, "alice", TestBootstrap.ALICE_PASSWORD).statusCode()).isIn(302, 303);
		assertThat(other.get(this.flows.url("/oauth2/consent?client_id=consenting-app&scope=openid&state=" + state))
			.statusCode()).isEqualTo(400);
		// The state under another client's name.
		assertThat(browser.get(this.flows.url("/oauth2/consent?client_id=web-app&scope=openid&state=" + state))
			.statusCode()).isEqualTo(400);
	}

	@Test
	void consentWhenStateForgedThenNoCode() {
		TestBrowser browser = new TestBrowser();
		assertThat(this.flows.signIn(browser, "alice", TestBootstrap.ALICE_PASSWORD).statusCode()).isIn(302, 303);
		HttpResponse<String> forged = browser.postForm(this.flows.url("/oauth2/authorize"),
				Map.of("client_id", "consenting-app", "state", "forged-state", "scope", "profile"));
		assertThat(forged.statusCode()).isEqualTo(400);
		assertThat(forged.headers().firstValue("Location")).isEmpty();
	}

	/**
	 * A client's name, chosen by whoever registered it (dynamic registration included),
	 * is shown as text on the consent page, never as markup.
	 */
	@Test
	void consentWhenClientNameHasMarkupThenShownAsText() {
		String clientId = registerConsentingClient("<script>alert('x')</script><img src=x onerror=alert(1)> & Co");
		TestBrowser browser = signedInAsNewUser();
		HttpResponse<String> page = browser.get(TestBrowser.location(browser.get(this.flows.authorizeUrl(OAuthFlows
			.codeRequest(clientId, TestBootstrap.REDIRECT_URI, "openid", "s", TestBrowser.Pkce.create())))));

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body())
			.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; Co")
			.doesNotContain("<script>alert")
			.doesNotContain("<img src=x");
	}

	/**
	 * A consent is reviewed and taken back on the account page: revoking the application
	 * ends its grant and forgets the consent, so the next authorization request asks
	 * again.
	 */
	@Test
	void consentWhenApplicationRevokedOnAccountPageThenAskedAgain() {
		String clientId = registerConsentingClient("Revocable App");
		TestBrowser browser = signedInAsNewUser();
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		HttpResponse<String> page = browser.get(TestBrowser.location(browser.get(this.flows
			.authorizeUrl(OAuthFlows.codeRequest(clientId, TestBootstrap.REDIRECT_URI, "openid profile", "s", pkce)))));
		String approved = TestBrowser.location(browser.postForm(this.flows.url("/oauth2/authorize"),
				Map.of("client_id", clientId, "state", state(page.body()), "scope", "profile")));
		Map<String, Object> tokens = this.flows.tokensFor(approved, clientId, TestBootstrap.WEB_APP_SECRET,
				TestBootstrap.REDIRECT_URI, pkce);

		HttpResponse<String> account = browser.get(this.flows.url("/account"));
		assertThat(account.body()).contains("Revocable App");
		Matcher revoke = Pattern.compile("action=\"(/account/applications/[^\"]+/revoke)\"").matcher(account.body());
		assertThat(revoke.find()).isTrue();
		assertThat(browser.postForm(this.flows.url(revoke.group(1)), Map.of("_csrf", TestBrowser.csrf(account.body())))
			.statusCode()).isIn(302, 303);

		assertThat(browser.get(this.flows.url("/account")).body()).doesNotContain("Revocable App");
		assertThat(this.flows
			.introspect(new TestBrowser(), "gateway", TestBootstrap.GATEWAY_SECRET, (String) tokens.get("access_token"))
			.get("active")).isEqualTo(false);
		HttpResponse<String> again = browser.get(this.flows.authorizeUrl(OAuthFlows.codeRequest(clientId,
				TestBootstrap.REDIRECT_URI, "openid profile", "s2", TestBrowser.Pkce.create())));
		assertThat(TestBrowser.location(again)).startsWith(this.flows.url("/oauth2/consent?"));
		assertThat(consentEvents("consent.granted", clientId)).hasSize(1);
		assertThat(consentEvents("consent.withdrawn", clientId)).hasSize(1);
	}

	/** A deleted client's consents go with it (they stayed behind for ever). */
	@Test
	void consentsWhenClientDeletedThenDeletedWithIt() {
		String clientId = registerConsentingClient("Short-lived App");
		ClientService clients = SharedLanyard.server().bean(ClientService.class);
		String id = clients.findByClientId(clientId).orElseThrow().id();
		org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService consents = consents();
		consents.save(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent
			.withId(id, UUID.randomUUID().toString())
			.scope("profile")
			.build());
		org.springframework.jdbc.core.simple.JdbcClient jdbc = org.springframework.jdbc.core.simple.JdbcClient
			.create(SharedLanyard.server().bean(javax.sql.DataSource.class));
		String count = "SELECT count(*) FROM oauth2_authorization_consent WHERE registered_client_id = ?";
		assertThat(jdbc.sql(count).param(id).query(Long.class).single()).isEqualTo(1L);

		clients.delete(clientId);

		assertThat(jdbc.sql(count).param(id).query(Long.class).single()).isZero();
	}

	/**
	 * Two first approvals of one client by one person at once (two devices, on two
	 * nodes): one consent, both saved. The store looks the consent up and then inserts
	 * it, and the second insert failed with a server error after its approval. The
	 * consents' table is held here until both wait, so the two overlap as they would by
	 * chance.
	 */
	@Test
	void consentWhenSavedTwiceAtOnceThenOneConsentAndNoFailure() throws Exception {
		UUID person = SharedLanyard.server()
			.bean(UserService.class)
			.importUser("consent-twice-" + UUID.randomUUID().toString().substring(0, 6), "consent-twice-password-5",
					null, List.of("user"), Map.of(), Map.of(), true)
			.after()
			.id();
		String client = consentingAppId();
		org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService consents = consents();
		javax.sql.DataSource database = SharedLanyard.server().bean(javax.sql.DataSource.class);
		java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
		List<java.util.concurrent.Future<?>> saves = new java.util.ArrayList<>();
		try (java.sql.Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			holder.createStatement().execute("LOCK TABLE oauth2_authorization_consent IN SHARE MODE");
			for (String scope : List.of("openid", "profile")) {
				saves.add(threads.submit(() -> consents
					.save(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent
						.withId(client, person.toString())
						.scope(scope)
						.build())));
			}
			dev.lanyard.server.LockWaits.await(database, "oauth2_authorization_consent", 2);
			holder.commit();
			for (java.util.concurrent.Future<?> save : saves) {
				save.get(10, java.util.concurrent.TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(consents.findById(client, person.toString())).isNotNull();
	}

	/**
	 * Two approvals of different scopes by one person at once (two tabs, two nodes): the
	 * consent keeps both. Each read the consent before the person's lock and saved what
	 * it read with its own scope, and the last one kept only its own.
	 */
	@Test
	void consentWhenTwoApprovalsOfDifferentScopesAtOnceThenBothKept() throws Exception {
		dev.lanyard.server.user.UserAccount account = newPerson();
		TestBrowser first = signedIn(account.username());
		TestBrowser second = signedIn(account.username());
		String firstState = consentPage(first, "openid profile");
		String secondState = consentPage(second, "openid email");
		UUID person = account.id();
		javax.sql.DataSource database = SharedLanyard.server().bean(javax.sql.DataSource.class);
		List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> approvals = new java.util.ArrayList<>();
		try (java.sql.Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			holdPerson(holder, person);
			approvals.add(approveAsync(first, firstState, "profile"));
			approvals.add(approveAsync(second, secondState, "email"));
			dev.lanyard.server.LockWaits.await(database, "oauth2_authorization_consent", 2);
			holder.commit();
		}
		for (java.util.concurrent.CompletableFuture<HttpResponse<String>> approval : approvals) {
			assertThat(TestBrowser.location(approval.get(10, java.util.concurrent.TimeUnit.SECONDS)))
				.startsWith(TestBootstrap.REDIRECT_URI)
				.contains("code=");
		}
		assertThat(consentedScopes(person)).containsExactlyInAnyOrder("openid", "profile", "email");
	}

	/**
	 * An approval that read the consent before the person withdrew it (the account page's
	 * "revoke", which went first) adds its own scope only: the withdrawn ones stay
	 * withdrawn, where the approval brought them back.
	 */
	@Test
	void consentWhenWithdrawnWhileAnApprovalWaitsThenTheWithdrawnScopesStayWithdrawn() throws Exception {
		dev.lanyard.server.user.UserAccount account = newPerson();
		TestBrowser browser = signedIn(account.username());
		assertThat(TestBrowser.location(approve(browser, consentPage(browser, "openid profile"), "profile")))
			.contains("code=");
		UUID person = account.id();
		assertThat(consentedScopes(person)).containsExactlyInAnyOrder("openid", "profile");
		String state = consentPage(browser, "openid profile email");
		javax.sql.DataSource database = SharedLanyard.server().bean(javax.sql.DataSource.class);
		java.util.concurrent.CompletableFuture<HttpResponse<String>> approval;
		try (java.sql.Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			holdPerson(holder, person);
			approval = approveAsync(browser, state, "email");
			dev.lanyard.server.LockWaits.await(database, "oauth2_authorization_consent", 1);
			try (java.sql.PreparedStatement withdrawal = holder
				.prepareStatement("DELETE FROM oauth2_authorization_consent WHERE principal_name = ?")) {
				withdrawal.setString(1, person.toString());
				assertThat(withdrawal.executeUpdate()).isEqualTo(1);
			}
			holder.commit();
		}
		assertThat(TestBrowser.location(approval.get(10, java.util.concurrent.TimeUnit.SECONDS))).contains("code=");
		assertThat(consentedScopes(person)).contains("email").doesNotContain("profile");
	}

	/**
	 * A withdrawal waits for a change of the person's consents under way (it takes the
	 * same lock), so that the change's read and save do not straddle it.
	 */
	@Test
	void consentWhenWithdrawnWhileAChangeHoldsThePersonThenWithdrawnAfterIt() throws Exception {
		dev.lanyard.server.user.UserAccount account = newPerson();
		TestBrowser browser = signedIn(account.username());
		assertThat(TestBrowser.location(approve(browser, consentPage(browser, "openid profile"), "profile")))
			.contains("code=");
		String client = consentingAppId();
		org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService consents = consents();
		org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent consent = consents
			.findById(client, account.id().toString());
		javax.sql.DataSource database = SharedLanyard.server().bean(javax.sql.DataSource.class);
		java.util.concurrent.CompletableFuture<Void> withdrawal;
		try (java.sql.Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			holdPerson(holder, account.id());
			withdrawal = java.util.concurrent.CompletableFuture.runAsync(() -> consents.remove(consent));
			dev.lanyard.server.LockWaits.await(database, "oauth2_authorization_consent", 1);
			assertThat(withdrawal).isNotDone();
			assertThat(consentedScopes(account.id())).as("not yet").contains("profile");
			holder.commit();
		}
		withdrawal.get(10, java.util.concurrent.TimeUnit.SECONDS);
		assertThat(consentedScopes(account.id())).isEmpty();
	}

	private static dev.lanyard.server.user.UserAccount newPerson() {
		return SharedLanyard.server()
			.bean(UserService.class)
			.create("consent-" + UUID.randomUUID().toString().substring(0, 8), null, "consent-page-password-2026", true,
					false, List.of("user"), Map.of(), Map.of());
	}

	private TestBrowser signedIn(String username) {
		TestBrowser browser = new TestBrowser();
		assertThat(this.flows.signIn(browser, username, "consent-page-password-2026").statusCode()).isIn(302, 303);
		return browser;
	}

	/** Opens consenting-app's consent page for the scopes; the page's state. */
	private String consentPage(TestBrowser browser, String scopes) {
		HttpResponse<String> request = browser.get(this.flows.authorizeUrl(OAuthFlows.codeRequest("consenting-app",
				TestBootstrap.REDIRECT_URI, scopes, "s", TestBrowser.Pkce.create())));
		HttpResponse<String> page = browser.get(TestBrowser.location(request));
		assertThat(page.statusCode()).isEqualTo(200);
		return state(page.body());
	}

	private HttpResponse<String> approve(TestBrowser browser, String state, String scope) {
		return browser.postForm(this.flows.url("/oauth2/authorize"),
				Map.of("client_id", "consenting-app", "state", state, "scope", scope));
	}

	private java.util.concurrent.CompletableFuture<HttpResponse<String>> approveAsync(TestBrowser browser, String state,
			String scope) {
		return java.util.concurrent.CompletableFuture.supplyAsync(() -> approve(browser, state, scope));
	}

	/** Holds the person's row as a change of their consents does, in the transaction. */
	private static void holdPerson(java.sql.Connection holder, UUID person) throws java.sql.SQLException {
		try (java.sql.PreparedStatement lock = holder
			.prepareStatement("SELECT 1 FROM users WHERE id = ? FOR NO KEY UPDATE")) {
			lock.setObject(1, person);
			lock.executeQuery().close();
		}
	}

	private static Set<String> consentedScopes(UUID person) {
		org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent consent = consents()
			.findById(consentingAppId(), person.toString());
		return (consent != null) ? consent.getScopes() : Set.of();
	}

	private static String consentingAppId() {
		return SharedLanyard.server()
			.bean(org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository.class)
			.findByClientId("consenting-app")
			.getId();
	}

	private static org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService consents() {
		return SharedLanyard.server()
			.bean(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService.class);
	}

	private static String registerConsentingClient(String name) {
		String clientId = "consent-" + UUID.randomUUID().toString().substring(0, 8);
		SharedLanyard.server()
			.bean(ClientService.class)
			.importClient(new ClientRegistration(clientId, name, false, TestBootstrap.WEB_APP_SECRET, null, null, null,
					List.of(TestBootstrap.REDIRECT_URI), List.of(), Set.of("authorization_code", "refresh_token"),
					Set.of("openid", "profile"), null, true, null, null, null, List.of(), null, null, null, null, null,
					null, null));
		return clientId;
	}

	private TestBrowser signedInAsNewUser() {
		String username = "consent-" + UUID.randomUUID().toString().substring(0, 8);
		String password = "consent-page-password-2026";
		SharedLanyard.server()
			.bean(UserService.class)
			.create(username, null, password, true, false, List.of("user"), Map.of(), Map.of());
		TestBrowser browser = new TestBrowser();
		assertThat(this.flows.signIn(browser, username, password).statusCode()).isIn(302, 303);
		return browser;
	}

	private static String state(String html) {
		Matcher matcher = STATE.matcher(html);
		assertThat(matcher.find()).isTrue();
		return matcher.group(1);
	}

}
