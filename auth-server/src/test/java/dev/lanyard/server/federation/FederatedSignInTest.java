package dev.lanyard.server.federation;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.lanyard.server.ImportOutcome;
import dev.lanyard.server.InputRejectedException;
import dev.lanyard.admin.Actor;
import dev.lanyard.admin.ConflictException;
import dev.lanyard.admin.identityprovider.IdentityProviderAdministration;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.TestChromium;
import dev.lanyard.server.key.MasterKey;
import dev.lanyard.server.secondfactor.TestAuthenticatorApp;
import dev.lanyard.server.secondfactor.TotpAuthenticators;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.mock.web.MockHttpServletRequest;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Signing in at Lanyard through an upstream OpenID Connect provider, with a real
 * upstream: a second Lanyard (its own database) is the corporate provider. Real HTTP all
 * the way, each redirect followed by hand so each step can be checked and tampered with.
 */
class FederatedSignInTest {

	private static final String CAROL_PASSWORD = "carol-password-for-upstream-tests";

	private static final String DAVE_PASSWORD = "dave-password-for-upstream-tests";

	private static final String ERIN_PASSWORD = "erin-password-for-upstream-tests";

	private static final String FRANK_PASSWORD = "frank-password-for-upstream-tests";

	private static final String GRACE_PASSWORD = "grace-password-for-upstream-tests";

	private static final String IVAN_PASSWORD = "ivan-password-for-upstream-tests";

	private static final String JUDY_PASSWORD = "judy-password-for-upstream-tests";

	private static final String KIM_PASSWORD = "kim-password-for-upstream-tests";

	private static final String HEIDI_PASSWORD = "heidi-password-for-upstream-tests";

	private static final String LENA_PASSWORD = "lena-password-for-upstream-tests";

	private static final String DOWNSTREAM_SECRET = "downstream-secret-at-least-32-characters";

	private static LanyardTestServer upstream;

	private static LanyardTestServer downstream;

	private static ScriptedUpstream scripted;

	@BeforeAll
	static void start() throws Exception {
		int downstreamPort = TestBackends.freePort();
		int upstreamPort = TestBackends.freePort();
		String upstreamIssuer = "http://127.0.0.1:" + upstreamPort;
		Map<String, String> corp = LanyardTestServer.newDeployment();
		corp.put("server.port", String.valueOf(upstreamPort));
		corp.put("lanyard.issuer", upstreamIssuer);
		corp.put("lanyard.bootstrap",
				file("""
						users:
						  - username: carol
						    password: "%s"
						    email: carol@corp.example
						    email-verified: true
						    nickname: globex
						    given-name: Carol
						  - username: dave
						    password: "%s"
						    email: alice@example.com
						    email-verified: false
						  - username: erin
						    password: "%s"
						    email: alice@example.com
						    email-verified: true
						  - username: frank
						    password: "%s"
						  - username: grace
						    password: "%s"
						    email: grace@example.org
						    email-verified: true
						  - username: ivan
						    password: "%s"
						  - username: judy
						    password: "%s"
						  - username: kim
						    password: "%s"
						  - username: heidi
						    password: "%s"
						    email: heidi@corp.example
						    email-verified: true
						    nickname: initech
						  - username: lena
						    password: "%s"
						    email: lena@example.org
						    email-verified: true
						clients:
						  - client-id: downstream-lanyard
						    client-secret: "%s"
						    redirect-uris: [http://localhost:%d/login/federated/corp, http://localhost:%d/login/federated/corp-linking]
						    post-logout-redirect-uris: [http://localhost:%d/logout/upstream-done]
						    grant-types: [authorization_code]
						    scopes: [openid, profile, email]
						    require-consent: false
						  - client-id: downstream-keyed
						    token-endpoint-auth-method: private_key_jwt
						    jwks-uri: http://localhost:%d/oauth2/jwks
						    redirect-uris: [http://localhost:%d/login/federated/corp-keyed]
						    grant-types: [authorization_code]
						    scopes: [openid]
						    require-consent: false
						"""
					.formatted(CAROL_PASSWORD, DAVE_PASSWORD, ERIN_PASSWORD, FRANK_PASSWORD, GRACE_PASSWORD,
							IVAN_PASSWORD, JUDY_PASSWORD, KIM_PASSWORD, HEIDI_PASSWORD, LENA_PASSWORD,
							DOWNSTREAM_SECRET, downstreamPort, downstreamPort, downstreamPort, downstreamPort,
							downstreamPort)));
		upstream = LanyardTestServer.start(corp);
		scripted = new ScriptedUpstream("lanyard-at-scripted");
		Map<String, String> settings = LanyardTestServer.newDeployment();
		settings.put("server.port", String.valueOf(downstreamPort));
		String bootstrap = Files.readString(Path.of(settings.get("lanyard.bootstrap")));
		settings.put("lanyard.bootstrap", file(bootstrap + """
				identity-providers:
				  - id: corp
				    display-name: "Corporate sign-in"
				    issuer: %s
				    client-id: downstream-lanyard
				    client-secret: "%s"
				    scopes: [openid, profile, email]
				    create-users: true
				    default-roles: [user]
				    claim-mappings: { tenant: nickname, given_name: given_name }
				    upstream-logout: true
				  - id: corp-linking
				    display-name: "Corporate, linking"
				    issuer: %s
				    client-id: downstream-lanyard
				    client-secret: "%s"
				    scopes: [openid, email]
				    link-by-verified-email: true
				  - id: corp-keyed
				    display-name: "Corporate, keyed"
				    issuer: %s
				    client-id: downstream-keyed
				    token-endpoint-auth-method: private_key_jwt
				    scopes: [openid]
				    create-users: true
				  - id: scripted
				    display-name: "Scripted"
				    issuer: %s
				    client-id: lanyard-at-scripted
				    client-secret: "scripted-secret"
				    scopes: [openid]
				    create-users: true
				    trust-upstream-mfa: true
				  - id: hub
				    display-name: "Hub"
				    authorization-uri: %s/authorize
				    token-uri: %s/token
				    user-info-uri: %s/user
				    subject-attribute: id
				    client-id: lanyard-at-hub
				    client-secret: "hub-secret"
				    scopes: [read:user]
				    create-users: true
				    claim-mappings: { name: name }
				  - id: gone
				    display-name: "Gone"
				    issuer: http://127.0.0.1:%d
				    client-id: lanyard
				    scopes: [openid]
				""".formatted(upstreamIssuer, DOWNSTREAM_SECRET, upstreamIssuer, DOWNSTREAM_SECRET, upstreamIssuer,
				scripted.issuer(), scripted.hub(), scripted.hub(), scripted.hub(), TestBackends.freePort())));
		downstream = LanyardTestServer.start(settings);
	}

	@AfterAll
	static void stop() {
		LanyardTestServer.closeAll(upstream, downstream);
		if (scripted != null) {
			scripted.close();
		}
	}

	/**
	 * The whole way: the login page's button, the upstream's login page, the account
	 * provisioned with the mapped claims, the client's code flow, and the claims of the
	 * ID token, introspection and the exchanged JWT.
	 */
	@Test
	void signInThroughUpstreamProvisionsTheAccountAndTheTokensNameTheProvider() {
		OAuthFlows flows = new OAuthFlows(downstream.baseUrl());
		TestBrowser browser = new TestBrowser();
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		HttpResponse<String> authorize = browser.get(flows.authorizeUrl(OAuthFlows.codeRequest("web-app",
				TestBootstrap.REDIRECT_URI, "openid profile email", "client-state", pkce)));
		assertThat(TestBrowser.location(authorize)).isEqualTo(downstream.baseUrl() + "/login");
		HttpResponse<String> loginPage = browser.get(downstream.baseUrl() + "/login");
		assertThat(loginPage.body()).contains("Corporate sign-in").contains("/login/with/corp");

		String callback = throughUpstream(browser, "carol", CAROL_PASSWORD);
		assertThat(TestBrowser.queryParameters(callback)).containsKey("iss");
		HttpResponse<String> signedIn = browser.get(callback);
		assertThat(signedIn.statusCode()).as(signedIn.body()).isIn(302, 303);
		String resumed = TestBrowser.location(signedIn);
		assertThat(resumed).startsWith(downstream.baseUrl() + "/oauth2/authorize");
		String clientCallback = TestBrowser.location(browser.get(resumed));
		Map<String, Object> tokens = flows.tokensFor(clientCallback, "web-app", TestBootstrap.WEB_APP_SECRET,
				TestBootstrap.REDIRECT_URI, pkce);

		UserAccount carol = downstream.bean(JdbcUserAccountRepository.class).findByLoginName("carol").orElseThrow();
		assertThat(carol.email()).isEqualTo("carol@corp.example");
		assertThat(carol.passwordHash()).isNull();
		assertThat(carol.roles()).containsExactly("user");
		assertThat(carol.attributes()).containsEntry("tenant", "globex");
		assertThat(carol.claims()).containsEntry("given_name", "Carol").containsEntry("email_verified", "true");

		Map<String, Object> idToken = TestBrowser.jwtClaims((String) tokens.get("id_token"));
		assertThat(idToken).containsEntry("sub", carol.id().toString())
			.containsEntry("idp", "corp")
			.containsEntry("amr", List.of("fed"))
			.containsEntry("acr", "urn:lanyard:acr:single-factor");
		Map<String, Object> introspection = flows.introspect(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
				(String) tokens.get("access_token"));
		assertThat(introspection).containsEntry("active", true).containsEntry("idp", "corp");
		HttpResponse<String> exchanged = flows.exchangeAtGateway((String) tokens.get("access_token"));
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		assertThat(TestBrowser.jwtClaims((String) TestBrowser.json(exchanged).get("access_token")))
			.containsEntry("sub", carol.id().toString())
			.containsEntry("idp", "corp")
			.containsEntry("tenant", "globex")
			.containsEntry("amr", List.of("fed"));

		// The same callback again: its state was used up.
		HttpResponse<String> replayed = new TestBrowser().get(callback);
		assertThat(TestBrowser.location(replayed)).endsWith("/login?upstream=corp&problem=failed");
		HttpResponse<String> replayedInSession = browser.get(callback);
		assertThat(TestBrowser.location(replayedInSession)).endsWith("/login?upstream=corp&problem=failed");
		HttpResponse<String> page = browser.get(TestBrowser.location(replayedInSession));
		assertThat(page.body()).contains("Signing in with Corporate sign-in did not work");

		// Signed in again later: the same account, not a second one.
		long accounts = downstream.bean(UserService.class).count();
		TestBrowser again = new TestBrowser();
		HttpResponse<String> secondTime = again.get(throughUpstream(again, "carol", CAROL_PASSWORD));
		assertThat(TestBrowser.location(secondTime)).isEqualTo(downstream.baseUrl() + "/");
		assertThat(downstream.bean(UserService.class).count()).isEqualTo(accounts);
		assertThat(downstream.bean(FederatedIdentities.class).of(carol.id())).singleElement()
			.satisfies((linked) -> assertThat(linked.providerId()).isEqualTo("corp"));
	}

	/**
	 * RFC 9207 §2.4: an answer naming another issuer is refused, and its state with it.
	 */
	@Test
	void answerNamingAnotherIssuerIsRefused() {
		TestBrowser browser = new TestBrowser();
		browser.get(downstream.baseUrl() + "/login");
		String callback = throughUpstream(browser, "carol", CAROL_PASSWORD);
		String issuer = TestBrowser.queryParameters(callback).get("iss");
		assertThat(issuer).isEqualTo(upstreamIssuer());
		String forged = callback.replace("iss=" + URLEncoder.encode(issuer, StandardCharsets.UTF_8),
				"iss=https%3A%2F%2Fevil.example");
		assertThat(forged).isNotEqualTo(callback);
		HttpResponse<String> refused = browser.get(forged);
		assertThat(TestBrowser.location(refused)).endsWith("/login?upstream=corp&problem=failed");
		// Nothing is left to finish with the right issuer either.
		assertThat(TestBrowser.location(browser.get(callback))).endsWith("/login?upstream=corp&problem=failed");
	}

	/**
	 * RFC 9700 §4.4.2: an answer on another provider's callback path is refused (the
	 * request went to "corp"), and its state is used up.
	 */
	@Test
	void answerOnAnotherProvidersPathIsRefused() {
		TestBrowser browser = new TestBrowser();
		String callback = throughUpstream(browser, "carol", CAROL_PASSWORD);
		String elsewhere = callback.replace("/login/federated/corp?", "/login/federated/corp-linking?");
		assertThat(elsewhere).isNotEqualTo(callback);
		assertThat(TestBrowser.location(browser.get(elsewhere)))
			.endsWith("/login?upstream=corp-linking&problem=failed");
		assertThat(TestBrowser.location(browser.get(callback))).endsWith("/login?upstream=corp&problem=failed");
	}

	/**
	 * RFC 9207 §2.4: an upstream that says it names itself in every answer
	 * ({@code authorization_response_iss_parameter_supported}) must: an answer without
	 * {@code iss} is refused.
	 */
	@Test
	void answerWithoutIssuerFromAnUpstreamThatSendsItIsRefused() {
		TestBrowser browser = new TestBrowser();
		String callback = throughUpstream(browser, "carol", CAROL_PASSWORD);
		String issuer = URLEncoder.encode(TestBrowser.queryParameters(callback).get("iss"), StandardCharsets.UTF_8);
		String withoutIssuer = callback.replace("&iss=" + issuer, "").replace("iss=" + issuer + "&", "");
		assertThat(withoutIssuer).doesNotContain("iss=");
		assertThat(TestBrowser.location(browser.get(withoutIssuer))).endsWith("/login?upstream=corp&problem=failed");
	}

	/**
	 * Whom an upstream's subjects name cannot change while people are linked through it:
	 * at another issuer the same subject may be someone else.
	 */
	@Test
	void issuerOfAProviderWithLinkedPeopleCannotChange() {
		TestBrowser browser = new TestBrowser();
		browser.get(throughUpstream(browser, "carol", CAROL_PASSWORD));
		IdentityProviders providers = downstream.bean(IdentityProviders.class);
		IdentityProvider corp = providers.find("corp").orElseThrow();
		IdentityProvider moved = new IdentityProvider(corp.id(), corp.displayName(), "https://login.elsewhere.example",
				null, null, null, null, corp.clientId(), corp.clientSecret(), corp.tokenEndpointAuthMethod(),
				corp.scopes(), corp.linkByVerifiedEmail(), corp.createUsers(), corp.defaultRoles(),
				corp.claimMappings(), corp.trustUpstreamMfa(), corp.upstreamLogout(), corp.enabled());
		assertThatThrownBy(() -> providers.save(moved)).isInstanceOfSatisfying(InputRejectedException.class,
				(ex) -> assertThat(ex.problems()).extracting(InputRejectedException.Problem::code)
					.containsExactly("idp.identity-source.linked"));
		assertThat(providers.find("corp").orElseThrow().issuer()).isEqualTo(corp.issuer());
		IdentityProvider renamed = new IdentityProvider(corp.id(), "Corporate sign-in", corp.issuer(), null, null, null,
				null, corp.clientId(), corp.clientSecret(), corp.tokenEndpointAuthMethod(), corp.scopes(),
				corp.linkByVerifiedEmail(), corp.createUsers(), corp.defaultRoles(), corp.claimMappings(),
				corp.trustUpstreamMfa(), corp.upstreamLogout(), corp.enabled());
		assertThat(providers.save(renamed)).isEqualTo(ImportOutcome.UNCHANGED);
	}

	/**
	 * A person created from an upstream has no password: linking another provider is
	 * confirmed by their recent upstream sign-in, and their only link cannot be unlinked.
	 */
	@Test
	void personWithoutPasswordKeepsTheirOnlyLink() {
		TestBrowser browser = new TestBrowser();
		assertThat(TestBrowser.location(browser.get(throughUpstream(browser, "judy", JUDY_PASSWORD))))
			.isEqualTo(downstream.baseUrl() + "/");
		HttpResponse<String> page = browser.get(downstream.baseUrl() + "/account");
		assertThat(page.body()).contains("Your only way to sign in");
		HttpResponse<String> unlink = browser.postForm(downstream.baseUrl() + "/account/identities/corp/unlink",
				Map.of("_csrf", TestBrowser.csrf(page.body())));
		assertThat(TestBrowser.location(unlink)).endsWith("/account#identities");
		assertThat(browser.get(downstream.baseUrl() + "/account").body()).contains("keep at least one way to sign in");
		UserAccount judy = downstream.bean(JdbcUserAccountRepository.class).findByLoginName("judy").orElseThrow();
		assertThat(downstream.bean(FederatedIdentities.class).of(judy.id())).hasSize(1);
		HttpResponse<String> again = browser.get(downstream.baseUrl() + "/account");
		HttpResponse<String> link = browser.postForm(downstream.baseUrl() + "/account/identities/corp-linking/link",
				Map.of("_csrf", TestBrowser.csrf(again.body())));
		assertThat(TestBrowser.location(link)).isEqualTo(downstream.baseUrl() + "/login/with/corp-linking");
	}

	/**
	 * An upstream address the upstream did not verify is not used at all: no link to the
	 * local account that has it, no address on the new account.
	 */
	@Test
	void unverifiedAddressNeitherLinksNorIsKept() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> signedIn = browser.get(throughUpstream(browser, "dave", DAVE_PASSWORD));
		assertThat(TestBrowser.location(signedIn)).isEqualTo(downstream.baseUrl() + "/");
		UserAccount dave = downstream.bean(JdbcUserAccountRepository.class).findByLoginName("dave").orElseThrow();
		UserAccount alice = downstream.bean(JdbcUserAccountRepository.class).findByLoginName("alice").orElseThrow();
		assertThat(dave.id()).isNotEqualTo(alice.id());
		assertThat(dave.email()).isNull();
		assertThat(downstream.bean(FederatedIdentities.class).of(alice.id())).isEmpty();
	}

	/**
	 * A verified upstream address that a local account has does not sign in to it, nor
	 * create a second account: the person is asked to sign in here and link.
	 */
	@Test
	void verifiedAddressOfLocalAccountAsksToSignInAndLink() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> answer = browser.get(throughUpstream(browser, "erin", ERIN_PASSWORD));
		assertThat(TestBrowser.location(answer)).endsWith("/login?upstream=corp&problem=sign-in-to-link");
		assertThat(browser.get(TestBrowser.location(answer)).body())
			.contains("already has the e-mail address of your Corporate sign-in account");
		assertThat(downstream.bean(JdbcUserAccountRepository.class).findByLoginName("erin")).isEmpty();
		UserAccount alice = downstream.bean(JdbcUserAccountRepository.class).findByLoginName("alice").orElseThrow();
		assertThat(downstream.bean(FederatedIdentities.class).of(alice.id())).isEmpty();
	}

	/** A disabled local account does not sign in through the upstream either. */
	@Test
	void disabledLocalAccountIsRefused() {
		TestBrowser first = new TestBrowser();
		assertThat(TestBrowser.location(first.get(throughUpstream(first, "carol", CAROL_PASSWORD))))
			.isEqualTo(downstream.baseUrl() + "/");
		UserService users = downstream.bean(UserService.class);
		UserAccount carol = downstream.bean(JdbcUserAccountRepository.class).findByLoginName("carol").orElseThrow();
		users.update(carol.id(), carol.username(), carol.email(), false, false, carol.roles(), carol.attributes(),
				null);
		try {
			TestBrowser browser = new TestBrowser();
			HttpResponse<String> refused = browser.get(throughUpstream(browser, "carol", CAROL_PASSWORD));
			assertThat(TestBrowser.location(refused)).endsWith("/login?upstream=corp&problem=refused");
		}
		finally {
			users.update(carol.id(), carol.username(), carol.email(), true, false, carol.roles(), carol.attributes(),
					null);
		}
	}

	/**
	 * The account page links an upstream identity to the signed-in person; it then signs
	 * them in; unlinking is allowed while their password remains.
	 */
	@Test
	void accountPageLinksAndUnlinks() {
		OAuthFlows flows = new OAuthFlows(downstream.baseUrl());
		TestBrowser browser = new TestBrowser();
		assertThat(flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
		HttpResponse<String> account = browser.get(downstream.baseUrl() + "/account");
		assertThat(account.body()).contains("id=\"identity-corp\"");
		HttpResponse<String> withoutPassword = browser.postForm(downstream.baseUrl() + "/account/identities/corp/link",
				Map.of("_csrf", TestBrowser.csrf(account.body())));
		assertThat(TestBrowser.location(withoutPassword)).endsWith("/account#identities");
		account = browser.get(downstream.baseUrl() + "/account");
		HttpResponse<String> link = browser.postForm(downstream.baseUrl() + "/account/identities/corp/link",
				Map.of("_csrf", TestBrowser.csrf(account.body()), "current", TestBootstrap.BOB_PASSWORD));
		assertThat(TestBrowser.location(link)).isEqualTo(downstream.baseUrl() + "/login/with/corp");
		String callback = throughUpstream(browser, "frank", FRANK_PASSWORD);
		HttpResponse<String> linked = browser.get(callback);
		assertThat(TestBrowser.location(linked)).isEqualTo(downstream.baseUrl() + "/account?linked=corp#identities");
		assertThat(browser.get(TestBrowser.location(linked)).body()).contains("The account is linked");
		UserAccount bob = downstream.bean(JdbcUserAccountRepository.class).findByLoginName("bob").orElseThrow();
		assertThat(downstream.bean(FederatedIdentities.class).of(bob.id())).singleElement()
			.satisfies((identity) -> assertThat(identity.providerId()).isEqualTo("corp"));
		String linkedSubject = downstream.bean(FederatedIdentities.class).of(bob.id()).get(0).subject();

		// Frank's upstream identity now signs in as bob.
		TestBrowser elsewhere = new TestBrowser();
		HttpResponse<String> signedIn = elsewhere.get(throughUpstream(elsewhere, "frank", FRANK_PASSWORD));
		assertThat(TestBrowser.location(signedIn)).isEqualTo(downstream.baseUrl() + "/");
		assertThat(elsewhere.get(downstream.baseUrl() + "/account").body()).contains(">bob<");
		assertThat(downstream.bean(JdbcUserAccountRepository.class).findByLoginName("frank")).isEmpty();

		HttpResponse<String> page = browser.get(downstream.baseUrl() + "/account");
		HttpResponse<String> unlinked = browser.postForm(downstream.baseUrl() + "/account/identities/corp/unlink",
				Map.of("_csrf", TestBrowser.csrf(page.body())));
		assertThat(TestBrowser.location(unlinked)).endsWith("/account#identities");
		assertThat(downstream.bean(FederatedIdentities.class).of(bob.id())).isEmpty();
		// The sign-in that came through the link it removed is over, and stays so when
		// the identity is linked again; the password's goes on.
		assertThat(downstream.bean(FederatedIdentities.class).link("corp", linkedSubject, bob.id(), null)).isTrue();
		assertThat(TestBrowser.location(elsewhere.get(downstream.baseUrl() + "/account"))).contains("/login");
		assertThat(browser.get(downstream.baseUrl() + "/account").statusCode()).isEqualTo(200);
		downstream.bean(FederatedIdentities.class).unlink(bob.id(), "corp");
	}

	/**
	 * A provider disabled (an incident upstream): the sign-ins that came through it end
	 * at their next request, and their grants are not renewed, where they went on for the
	 * session's twelve hours and the refresh token's thirty days.
	 */
	@Test
	void providerWhenDisabledThenSignInsThroughItEndAndTheirGrantsAreNotRenewed() {
		scripted.idToken = ScriptedUpstream.IdToken.GOOD;
		TestBrowser browser = new TestBrowser();
		Map<String, Object> tokens = tokensThroughScripted(browser);
		assertThat(tokens).containsKey("refresh_token");
		assertThat(browser.get(downstream.baseUrl() + "/account").statusCode()).isEqualTo(200);
		JdbcClient jdbc = JdbcClient.create(downstream.bean(javax.sql.DataSource.class));
		jdbc.sql("UPDATE identity_providers SET enabled = false WHERE id = 'scripted'").update();
		try {
			assertThat(TestBrowser.location(browser.get(downstream.baseUrl() + "/account"))).contains("/login");
			HttpResponse<String> refreshed = new OAuthFlows(downstream.baseUrl()).refresh(new TestBrowser(), "web-app",
					TestBootstrap.WEB_APP_SECRET, (String) tokens.get("refresh_token"));
			assertThat(refreshed.statusCode()).isEqualTo(400);
			assertThat(TestBrowser.json(refreshed)).containsEntry("error", "invalid_grant");
		}
		finally {
			jdbc.sql("UPDATE identity_providers SET enabled = true WHERE id = 'scripted'").update();
		}
	}

	/**
	 * Disabled by an administrator, then enabled again once the incident is over: the
	 * sign-ins through it ended and their grants were revoked at the disabling, and stay
	 * so (a check at each use alone let them work again with the provider). A sign-in
	 * with a password goes on.
	 */
	@Test
	void providerWhenDisabledByAnAdministratorThenItsSignInsAndGrantsStayEndedWhenEnabledAgain() {
		scripted.idToken = ScriptedUpstream.IdToken.GOOD;
		TestBrowser throughIt = new TestBrowser();
		Map<String, Object> tokens = tokensThroughScripted(throughIt);
		OAuthFlows flows = new OAuthFlows(downstream.baseUrl());
		TestBrowser withPassword = new TestBrowser();
		assertThat(flows.signIn(withPassword, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
		IdentityProviderAdministration administration = downstream.bean(IdentityProviderAdministration.class);
		Actor administrator = new Actor("admin", "admin", "127.0.0.1");
		IdentityProviderAdministration.ProviderView shown = administration.get("scripted");
		administration.save(draft(shown, false), administrator);
		// A form shown before the disabling does not enable it again unseen.
		assertThatThrownBy(() -> administration.save(draft(shown, true), administrator))
			.isInstanceOf(ConflictException.class);
		assertThat(administration.get("scripted").enabled()).isFalse();
		administration.save(draft(administration.get("scripted"), true), administrator);

		assertThat(TestBrowser.location(throughIt.get(downstream.baseUrl() + "/account"))).contains("/login");
		assertThat(withPassword.get(downstream.baseUrl() + "/account").statusCode()).isEqualTo(200);
		HttpResponse<String> refreshed = flows.refresh(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
				(String) tokens.get("refresh_token"));
		assertThat(refreshed.statusCode()).isEqualTo(400);
		assertThat(flows.introspect(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
				(String) tokens.get("access_token")))
			.containsEntry("active", false);
	}

	/** The provider's form as shown, linking by verified address or not. */
	private static IdentityProviderAdministration.ProviderDraft linking(
			IdentityProviderAdministration.ProviderView view, boolean linkByVerifiedEmail) {
		return new IdentityProviderAdministration.ProviderDraft(view.id(), view.displayName(), view.issuer(),
				view.authorizationUri(), view.tokenUri(), view.userInfoUri(), view.subjectAttribute(), view.clientId(),
				null, view.tokenEndpointAuthMethod(), view.scopes(), linkByVerifiedEmail, view.createUsers(),
				view.defaultRoles(), view.claimMappings(), view.trustUpstreamMfa(), view.upstreamLogout(),
				view.enabled(), view.updatedAt());
	}

	private static IdentityProviderAdministration.ProviderDraft draft(IdentityProviderAdministration.ProviderView view,
			boolean enabled) {
		return new IdentityProviderAdministration.ProviderDraft(view.id(), view.displayName(), view.issuer(),
				view.authorizationUri(), view.tokenUri(), view.userInfoUri(), view.subjectAttribute(), view.clientId(),
				null, view.tokenEndpointAuthMethod(), view.scopes(), view.linkByVerifiedEmail(), view.createUsers(),
				view.defaultRoles(), view.claimMappings(), view.trustUpstreamMfa(), view.upstreamLogout(), enabled,
				view.updatedAt());
	}

	/**
	 * A provider that links by verified address: the upstream's answer waits for the
	 * local account's own sign-in, after which the person is asked whether to link it
	 * (the sign-in alone linked it: anyone could send a browser through the provider with
	 * an identity of theirs just before its owner signed in here); another account
	 * signing in is not asked.
	 */
	@Test
	void verifiedAddressLinksAfterTheLocalSignIn() {
		UserService users = downstream.bean(UserService.class);
		UserAccount grace = users.create("grace", "grace@example.org", GRACE_PASSWORD, true, false, List.of("user"),
				Map.of(), Map.of());
		OAuthFlows flows = new OAuthFlows(downstream.baseUrl());
		FederatedIdentities identities = downstream.bean(FederatedIdentities.class);

		TestBrowser wrongPerson = new TestBrowser();
		HttpResponse<String> waiting = wrongPerson
			.get(throughUpstream(wrongPerson, "corp-linking", "grace", GRACE_PASSWORD));
		assertThat(TestBrowser.location(waiting)).endsWith("/login?upstream=corp-linking&problem=sign-in-links");
		assertThat(TestBrowser.location(flows.signIn(wrongPerson, "bob", TestBootstrap.BOB_PASSWORD)))
			.doesNotEndWith("/login/link");
		UserAccount bob = downstream.bean(JdbcUserAccountRepository.class).findByLoginName("bob").orElseThrow();
		assertThat(identities.of(bob.id())).noneMatch((identity) -> identity.providerId().equals("corp-linking"));

		// The person is asked after signing in here, and may say no.
		TestBrowser declining = new TestBrowser();
		HttpResponse<String> first = declining.get(throughUpstream(declining, "corp-linking", "grace", GRACE_PASSWORD));
		assertThat(declining.get(TestBrowser.location(first)).body())
			.contains("Sign in with it below; you will then be asked whether to link Corporate, linking to it");
		HttpResponse<String> offered = flows.signIn(declining, "grace", GRACE_PASSWORD);
		assertThat(TestBrowser.location(offered)).endsWith("/login/link");
		String offer = declining.get(downstream.baseUrl() + "/login/link?lang=en").body();
		assertThat(offer).contains("Link your Corporate, linking account?").contains("grace@example.org");
		assertThat(TestBrowser.location(declining.postForm(downstream.baseUrl() + "/login/link",
				Map.of("decision", "skip", "_csrf", TestBrowser.csrf(offer)))))
			.isEqualTo(downstream.baseUrl() + "/");
		assertThat(identities.of(grace.id())).isEmpty();
		assertThat(downstream.bean(dev.lanyard.server.audit.AuditLog.class)
			.count(grace.id().toString(), "federation.link_declined", null, null)).isEqualTo(1);
		assertThat(TestBrowser.location(declining.get(downstream.baseUrl() + "/login/link"))).as("asked once")
			.isEqualTo(downstream.baseUrl() + "/");

		TestBrowser browser = new TestBrowser();
		HttpResponse<String> asked = browser.get(throughUpstream(browser, "corp-linking", "grace", GRACE_PASSWORD));
		assertThat(browser.get(TestBrowser.location(asked)).statusCode()).isEqualTo(200);
		assertThat(TestBrowser.location(flows.signIn(browser, "grace", GRACE_PASSWORD))).endsWith("/login/link");
		assertThat(identities.of(grace.id())).as("not before the person says so").isEmpty();
		String page = browser.get(downstream.baseUrl() + "/login/link").body();
		browser.postForm(downstream.baseUrl() + "/login/link",
				Map.of("decision", "link", "_csrf", TestBrowser.csrf(page)));
		assertThat(identities.of(grace.id())).singleElement()
			.satisfies((identity) -> assertThat(identity.providerId()).isEqualTo("corp-linking"));

		long accounts = users.count();
		TestBrowser later = new TestBrowser();
		HttpResponse<String> signedIn = later.get(throughUpstream(later, "corp-linking", "grace", GRACE_PASSWORD));
		assertThat(TestBrowser.location(signedIn)).isEqualTo(downstream.baseUrl() + "/");
		assertThat(later.get(downstream.baseUrl() + "/account").body()).contains(">grace<");
		assertThat(users.count()).isEqualTo(accounts);
	}

	/**
	 * An upstream identity waiting for the local account's sign-in links nothing once the
	 * provider no longer links by verified address (turned off in an incident): what
	 * waited in sessions used to link all the same.
	 */
	@Test
	void verifiedAddressWhenLinkingTurnedOffMeanwhileThenTheWaitingIdentityLinksNothing() {
		UserService users = downstream.bean(UserService.class);
		UserAccount lena = users.create("lena", "lena@example.org", LENA_PASSWORD, true, false, List.of("user"),
				Map.of(), Map.of());
		FederatedIdentities identities = downstream.bean(FederatedIdentities.class);
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> asked = browser.get(throughUpstream(browser, "corp-linking", "lena", LENA_PASSWORD));
		assertThat(TestBrowser.location(asked)).contains("/login");
		IdentityProviderAdministration administration = downstream.bean(IdentityProviderAdministration.class);
		Actor administrator = new Actor("admin", "admin", "127.0.0.1");
		try {
			administration.save(linking(administration.get("corp-linking"), false), administrator);
			assertThat(new OAuthFlows(downstream.baseUrl()).signIn(browser, "lena", LENA_PASSWORD).statusCode())
				.isIn(302, 303);
			assertThat(identities.of(lena.id())).isEmpty();
		}
		finally {
			administration.save(linking(administration.get("corp-linking"), true), administrator);
		}
	}

	/**
	 * In Chromium: the downstream's login page with the providers' buttons, the
	 * upstream's own login page, back signed in with the account created for the person;
	 * their account page lists the linked provider; an administrator's console lists the
	 * providers. Takes the screenshots in {@code docs/}.
	 */
	@Test
	void signInThroughUpstreamInTheBrowser() throws Exception {
		WebDriver browser = TestChromium.start();
		try {
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
			browser.get(downstream.baseUrl() + "/account");
			wait.until(ExpectedConditions.urlToBe(downstream.baseUrl() + "/login"));
			TestChromium.screenshot(browser, "federated-login-page.png");
			browser.findElement(By.id("upstream-corp")).click();
			wait.until(ExpectedConditions.urlToBe(upstreamIssuer() + "/login"));
			browser.findElement(By.id("username")).sendKeys("heidi");
			browser.findElement(By.id("password")).sendKeys(HEIDI_PASSWORD);
			browser.findElement(By.cssSelector("form[action$='/login'] button[type=submit]")).click();
			wait.until(ExpectedConditions.urlContains(downstream.baseUrl() + "/account"));
			WebElement linked = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("identity-corp")));
			assertThat(linked.getText()).contains("Corporate sign-in").contains("heidi@corp.example");
			assertThat(browser.findElement(By.tagName("main")).getText()).contains("heidi")
				.contains("Your only way to sign in");
			((JavascriptExecutor) browser).executeScript("document.getElementById('identities').scrollIntoView()");
			TestChromium.screenshot(browser, "account-linked-identities.png");
			UserAccount heidi = downstream.bean(JdbcUserAccountRepository.class).findByLoginName("heidi").orElseThrow();
			assertThat(heidi.attributes()).containsEntry("tenant", "initech");
		}
		finally {
			browser.quit();
		}
		WebDriver admin = TestChromium.start();
		try {
			WebDriverWait wait = new WebDriverWait(admin, Duration.ofSeconds(15));
			admin.get(downstream.baseUrl() + "/admin/identity-providers");
			wait.until(ExpectedConditions.urlToBe(downstream.baseUrl() + "/login"));
			admin.findElement(By.id("username")).sendKeys("alice");
			admin.findElement(By.id("password")).sendKeys(TestBootstrap.ALICE_PASSWORD);
			admin.findElement(By.cssSelector("form[action$='/login'] button[type=submit]")).click();
			WebElement table = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("identity-provider-corp")));
			assertThat(table.getText()).contains("Corporate sign-in").contains("/login/federated/corp");
			TestChromium.screenshot(admin, "admin-identity-providers.png");
		}
		finally {
			admin.quit();
		}
	}

	/**
	 * A provider where Lanyard authenticates with {@code private_key_jwt}: an assertion
	 * signed with Lanyard's own signing key, which the upstream reads from Lanyard's
	 * JWKS. A provider set so cannot also have a client secret.
	 */
	@Test
	void privateKeyJwtAtTheUpstreamSignsWithLanyardsOwnKey() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> signedIn = browser.get(throughUpstream(browser, "corp-keyed", "kim", KIM_PASSWORD));
		assertThat(TestBrowser.location(signedIn)).isEqualTo(downstream.baseUrl() + "/");
		String upstreamKim = upstream.bean(JdbcUserAccountRepository.class)
			.findByLoginName("kim")
			.orElseThrow()
			.id()
			.toString();
		assertThat(linkedTo("corp-keyed", upstreamKim)).isTrue();

		IdentityProviders providers = downstream.bean(IdentityProviders.class);
		IdentityProvider keyed = providers.find("corp-keyed").orElseThrow();
		assertThat(keyed.clientSecret()).isNull();
		IdentityProvider withSecret = new IdentityProvider(keyed.id(), keyed.displayName(), keyed.issuer(), null, null,
				null, null, keyed.clientId(), "a-secret-as-well", "private_key_jwt", keyed.scopes(), false, true,
				List.of(), Map.of(), false, false, true);
		assertThatThrownBy(() -> providers.save(withSecret)).isInstanceOfSatisfying(InputRejectedException.class,
				(ex) -> assertThat(ex.problems()).extracting(InputRejectedException.Problem::code)
					.containsExactly("idp.client-secret.not-used"));
	}

	/**
	 * A person with a second factor here gives it after an upstream that is not trusted
	 * for its own: the sign-in waits on the second-factor page, and the tokens then say
	 * both.
	 */
	@Test
	void secondFactorHereIsAskedAfterTheUpstream() {
		UserAccount local = downstream.bean(UserService.class)
			.create("ivan-here", null, IVAN_PASSWORD, true, false, List.of("user"), Map.of(), Map.of());
		TestAuthenticatorApp app = TestAuthenticatorApp.imported("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
		downstream.bean(TotpAuthenticators.class).importSecret(local.id(), app.secret());
		String upstreamIvan = upstream.bean(JdbcUserAccountRepository.class)
			.findByLoginName("ivan")
			.orElseThrow()
			.id()
			.toString();
		assertThat(downstream.bean(FederatedIdentities.class).link("corp", upstreamIvan, local.id(), null)).isTrue();

		OAuthFlows flows = new OAuthFlows(downstream.baseUrl());
		TestBrowser browser = new TestBrowser();
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		browser.get(flows.authorizeUrl(
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "client-state", pkce)));
		HttpResponse<String> waiting = browser.get(throughUpstream(browser, "ivan", IVAN_PASSWORD));
		assertThat(TestBrowser.location(waiting)).isEqualTo(downstream.baseUrl() + "/login/second-factor");
		assertThat(browser.get(downstream.baseUrl() + "/login/second-factor").body()).contains("name=\"code\"");
		HttpResponse<String> verified = TestAuthenticatorApp.submitCode(browser, downstream.baseUrl(), app.nextCode());
		String clientCallback = TestBrowser.location(browser.get(TestBrowser.location(verified)));
		Map<String, Object> tokens = flows.tokensFor(clientCallback, "web-app", TestBootstrap.WEB_APP_SECRET,
				TestBootstrap.REDIRECT_URI, pkce);
		assertThat(TestBrowser.jwtClaims((String) tokens.get("id_token"))).containsEntry("sub", local.id().toString())
			.containsEntry("idp", "corp")
			.containsEntry("amr", List.of("fed", "otp", "mfa"));
	}

	/**
	 * OpenID Connect RP-Initiated Logout at the upstream: signing out here goes on to the
	 * upstream's end-session endpoint with the upstream ID token as hint, and back here,
	 * signed out at both; from there on to where this server's sign-out was going (a
	 * client's post-logout redirect URI). Coming back with another state in the same
	 * browser goes only to the signed-out page.
	 */
	@Test
	void signingOutHereSignsOutAtTheUpstreamToo() {
		TestBrowser browser = new TestBrowser();
		String back = signOutThroughUpstream(browser);
		assertThat(TestBrowser.location(browser.get(back))).isEqualTo("https://app.example.com/?state=bye");
		assertThat(browser.get(upstreamIssuer() + "/account").statusCode()).isEqualTo(302);
		assertThat(browser.get(downstream.baseUrl() + "/account").statusCode()).isEqualTo(302);

		TestBrowser forger = new TestBrowser();
		String forged = signOutThroughUpstream(forger).replaceAll("state=[^&]+", "state=forged");
		assertThat(TestBrowser.location(forger.get(forged))).isEqualTo(downstream.baseUrl() + "/logout/done");
	}

	/**
	 * An upstream ID token sealed under another master key (the key changed while the
	 * session lived, or a node runs with a different one) cannot be opened: the sign-out
	 * goes straight on, without the upstream step, rather than ending on an error page.
	 */
	@Test
	void signingOutWhenTheUpstreamIdTokenNoLongerOpensSkipsOnlyTheUpstreamStep() {
		UpstreamLogout upstreamLogout = downstream.bean(UpstreamLogout.class);
		MockHttpServletRequest request = new MockHttpServletRequest();
		byte[] sealedElsewhere = MasterKey.fromSecret("another-master-key-at-least-32-characters")
			.seal("header.payload.signature".getBytes(StandardCharsets.UTF_8), "upstream-id-token");

		assertThat(upstreamLogout.continueAt(request, new UpstreamLogout.SignedIn("corp", sealedElsewhere),
				"https://app.example.com/"))
			.isEmpty();
		assertThat(request.getSession(false)).isNull();
		byte[] sealedHere = downstream.bean(MasterKey.class)
			.seal("header.payload.signature".getBytes(StandardCharsets.UTF_8), "upstream-id-token");
		assertThat(upstreamLogout.continueAt(request, new UpstreamLogout.SignedIn("corp", sealedHere),
				"https://app.example.com/"))
			.hasValueSatisfying((endSession) -> assertThat(endSession).startsWith(upstreamIssuer() + "/connect/logout?")
				.contains("id_token_hint=header.payload.signature"));
	}

	/**
	 * Signs carol in through the upstream, then out at the client's request (RP-initiated
	 * logout at this server), through the upstream's end-session endpoint and its own
	 * confirmation: the URL the upstream sends the browser back to, not yet followed.
	 */
	private static String signOutThroughUpstream(TestBrowser browser) {
		HttpResponse<String> signedIn = browser.get(throughUpstream(browser, "carol", CAROL_PASSWORD));
		assertThat(TestBrowser.location(signedIn)).isEqualTo(downstream.baseUrl() + "/");
		assertThat(browser.get(upstreamIssuer() + "/account").statusCode()).isEqualTo(200);
		browser.get(downstream.baseUrl()
				+ "/connect/logout?client_id=web-app&post_logout_redirect_uri=https://app.example.com/&state=bye");
		HttpResponse<String> confirm = browser.get(downstream.baseUrl() + "/logout");
		HttpResponse<String> signedOut = browser.postForm(downstream.baseUrl() + "/logout",
				TestBrowser.logoutForm(confirm.body()));
		String endSession = TestBrowser.location(signedOut);
		assertThat(endSession).startsWith(upstreamIssuer() + "/connect/logout?");
		Map<String, String> request = TestBrowser.queryParameters(endSession);
		assertThat(request).containsKeys("id_token_hint", "state")
			.containsEntry("client_id", "downstream-lanyard")
			.containsEntry("post_logout_redirect_uri", downstream.baseUrl() + "/logout/upstream-done");
		assertThat(TestBrowser.jwtClaims(request.get("id_token_hint"))).containsEntry("iss", upstreamIssuer());
		HttpResponse<String> atUpstream = browser.get(endSession);
		HttpResponse<String> upstreamConfirm = browser.get(TestBrowser.location(atUpstream));
		HttpResponse<String> upstreamSignedOut = browser.postForm(upstreamIssuer() + "/logout",
				TestBrowser.logoutForm(upstreamConfirm.body()));
		String back = TestBrowser.location(upstreamSignedOut);
		assertThat(back).startsWith(downstream.baseUrl() + "/logout/upstream-done?")
			.contains("state=" + request.get("state"));
		return back;
	}

	/**
	 * An upstream trusted for its own second factor: its {@code amr} {@code mfa} makes
	 * the sign-in multi-factor here.
	 */
	@Test
	void trustedUpstreamMultiFactorCountsHere() {
		scripted.idToken = ScriptedUpstream.IdToken.GOOD;
		assertThat(idTokenThroughScripted(new TestBrowser())).containsEntry("idp", "scripted")
			.containsEntry("amr", List.of("fed", "mfa"))
			.containsEntry("acr", "urn:lanyard:acr:multi-factor");
	}

	/**
	 * An upstream that answers from a session of its own begun 13 hours ago says so in
	 * {@code auth_time}: the ID token here says the same, and the session here, begun
	 * now, goes on (its lifetime and the ends of every sign-in count from its beginning
	 * here; the session used to end at its first request, past the 12 hours, or before
	 * the person's last end of every sign-in).
	 */
	@Test
	void upstreamAuthTimeWhenOldThenCarriedAndTheSessionHereGoesOn() {
		scripted.idToken = ScriptedUpstream.IdToken.GOOD;
		TestBrowser first = new TestBrowser();
		assertThat(TestBrowser.location(first.get(scriptedCallback(first, "scripted"))))
			.isEqualTo(downstream.baseUrl() + "/");
		// Every sign-in of the person ended now, long after the upstream's.
		UUID account = downstream.bean(FederatedIdentities.class)
			.signIn("scripted", ScriptedUpstream.SUBJECT, null)
			.orElseThrow();
		downstream.bean(UserService.class).endSignIns(account);
		Instant longAgo = Instant.now().minus(Duration.ofHours(13)).truncatedTo(ChronoUnit.SECONDS);
		scripted.authTime = longAgo;
		try {
			TestBrowser browser = new TestBrowser();
			assertThat(((Number) idTokenThroughScripted(browser).get("auth_time")).longValue())
				.isEqualTo(longAgo.getEpochSecond());
			assertThat(browser.get(downstream.baseUrl() + "/account").statusCode()).isEqualTo(200);
		}
		finally {
			scripted.authTime = null;
		}
	}

	/**
	 * The claims of the ID token web-app gets for a sign-in through the scripted upstream
	 * in this browser.
	 */
	private static Map<String, Object> idTokenThroughScripted(TestBrowser browser) {
		return TestBrowser.jwtClaims((String) tokensThroughScripted(browser).get("id_token"));
	}

	/** The tokens web-app gets for a sign-in through the scripted upstream. */
	private static Map<String, Object> tokensThroughScripted(TestBrowser browser) {
		OAuthFlows flows = new OAuthFlows(downstream.baseUrl());
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		browser.get(flows.authorizeUrl(
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "client-state", pkce)));
		HttpResponse<String> signedIn = browser.get(scriptedCallback(browser, "scripted"));
		String clientCallback = TestBrowser.location(browser.get(TestBrowser.location(signedIn)));
		assertThat(clientCallback).startsWith(TestBootstrap.REDIRECT_URI).contains("code=");
		return flows.tokensFor(clientCallback, "web-app", TestBootstrap.WEB_APP_SECRET, TestBootstrap.REDIRECT_URI,
				pkce);
	}

	/**
	 * The issuer's rule holds for every endpoint its discovery names: a token endpoint
	 * over http to another host (the client secret and the code would travel in clear)
	 * makes the provider unusable. It was used as given.
	 */
	@Test
	void discoveryWhenItNamesACleartextEndpointThenProviderUnusable() {
		scripted.cleartextTokenEndpoint = "http://login.scripted.example/token";
		try {
			// A registry of its own: the node's keeps discovery documents for an hour.
			UpstreamRegistrations fresh = new UpstreamRegistrations(downstream.bean(IdentityProviders.class),
					downstream.baseUrl(), () -> null);
			assertThatThrownBy(() -> fresh.findByRegistrationId("scripted"))
				.isInstanceOf(UpstreamRegistrations.UpstreamUnavailableException.class);
		}
		finally {
			scripted.cleartextTokenEndpoint = null;
		}
		assertThat(new UpstreamRegistrations(downstream.bean(IdentityProviders.class), downstream.baseUrl(), () -> null)
			.findByRegistrationId("scripted")).isNotNull();
	}

	/** OpenID Connect Core §3.1.3.7 item 3: an ID token for another client is refused. */
	@Test
	void idTokenForAnotherAudienceIsRefused() {
		assertRefusedAndNobodyCreated(ScriptedUpstream.IdToken.WRONG_AUDIENCE, "aud");
	}

	/** OpenID Connect Core §3.1.3.7 item 6: only the upstream's published keys sign. */
	@Test
	void idTokenSignedByAnotherKeyIsRefused() {
		assertRefusedAndNobodyCreated(ScriptedUpstream.IdToken.FOREIGN_KEY, "key");
	}

	/** OpenID Connect Core §3.1.3.7 item 11: the nonce must be the request's. */
	@Test
	void idTokenWithAnotherNonceIsRefused() {
		assertRefusedAndNobodyCreated(ScriptedUpstream.IdToken.WRONG_NONCE, "nonce");
	}

	/**
	 * The scripted upstream answers with this kind of ID token for a person nobody has
	 * seen: the sign-in is refused and no account is created for them. The same person
	 * with a good ID token is then created, so the refusal was the ID token's.
	 */
	private static void assertRefusedAndNobodyCreated(ScriptedUpstream.IdToken kind, String person) {
		String subject = "scripted-" + person + "-" + UUID.randomUUID();
		scripted.subject = subject;
		try {
			scripted.idToken = kind;
			TestBrowser browser = new TestBrowser();
			HttpResponse<String> refused = browser.get(scriptedCallback(browser, "scripted"));
			assertThat(TestBrowser.location(refused)).endsWith("/login?upstream=scripted&problem=failed");
			assertThat(linkedTo("scripted", subject)).isFalse();
			scripted.idToken = ScriptedUpstream.IdToken.GOOD;
			TestBrowser again = new TestBrowser();
			assertThat(TestBrowser.location(again.get(scriptedCallback(again, "scripted"))))
				.isEqualTo(downstream.baseUrl() + "/");
			assertThat(linkedTo("scripted", subject)).isTrue();
		}
		finally {
			scripted.idToken = ScriptedUpstream.IdToken.GOOD;
			scripted.subject = ScriptedUpstream.SUBJECT;
		}
	}

	private static boolean linkedTo(String providerId, String subject) {
		return downstream.bean(FederatedIdentities.class).signIn(providerId, subject, null).isPresent();
	}

	/**
	 * Two first sign-ins of one person at once (two browsers): one account, both signed
	 * in, no error page. The upstream answers both token requests at the same moment, so
	 * the two sign-ins reach the account's creation together.
	 */
	@Test
	void firstSignInsAtOnceMakeOneAccount() throws Exception {
		String subject = "scripted-twice-" + UUID.randomUUID();
		scripted.subject = subject;
		scripted.answerTogether = new CyclicBarrier(2);
		try {
			TestBrowser first = new TestBrowser();
			TestBrowser second = new TestBrowser();
			String firstCallback = scriptedCallback(first, "scripted");
			String secondCallback = scriptedCallback(second, "scripted");
			long accounts = downstream.bean(UserService.class).count();
			ExecutorService both = Executors.newFixedThreadPool(2);
			try {
				Future<HttpResponse<String>> one = both.submit(() -> first.get(firstCallback));
				Future<HttpResponse<String>> other = both.submit(() -> second.get(secondCallback));
				assertThat(TestBrowser.location(one.get(30, TimeUnit.SECONDS))).isEqualTo(downstream.baseUrl() + "/");
				assertThat(TestBrowser.location(other.get(30, TimeUnit.SECONDS))).isEqualTo(downstream.baseUrl() + "/");
			}
			finally {
				both.shutdownNow();
			}
			assertThat(downstream.bean(UserService.class).count()).isEqualTo(accounts + 1);
			assertThat(linkedTo("scripted", subject)).isTrue();
		}
		finally {
			scripted.subject = ScriptedUpstream.SUBJECT;
			scripted.answerTogether = null;
		}
	}

	/**
	 * Plain OAuth 2.0 (a GitHub-like provider): the person is the user endpoint's number,
	 * their login becomes the username, an address nobody verified is not kept.
	 */
	@Test
	void plainOAuthProviderSignsInByItsNumber() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> signedIn = browser.get(scriptedCallback(browser, "hub"));
		assertThat(TestBrowser.location(signedIn)).isEqualTo(downstream.baseUrl() + "/");
		UserAccount octo = downstream.bean(JdbcUserAccountRepository.class).findByLoginName("octo").orElseThrow();
		assertThat(octo.email()).isNull();
		assertThat(octo.claims()).containsEntry("name", "Octo Cat");
		assertThat(downstream.bean(FederatedIdentities.class).of(octo.id())).singleElement()
			.satisfies((linked) -> assertThat(linked.subject()).isEqualTo("4242"));
	}

	/**
	 * A plain OAuth 2.0 provider whose user endpoint leaves out the member naming the
	 * person: a failed sign-in on the login page, never a server error (the framework's
	 * user object refuses it with an exception that is no authentication failure).
	 */
	@Test
	void plainOAuthProviderWhenUserInfoLacksTheSubjectThenFailedSignInNotServerError() {
		scripted.hubUser = Map.of("login", "nobody-in-particular");
		try {
			TestBrowser browser = new TestBrowser();
			HttpResponse<String> answered = browser.get(scriptedCallback(browser, "hub"));
			assertThat(answered.statusCode()).as(answered.body()).isIn(302, 303);
			assertThat(TestBrowser.location(answered)).contains("/login");
			assertThat(downstream.bean(JdbcUserAccountRepository.class).findByLoginName("nobody-in-particular"))
				.isEmpty();
		}
		finally {
			scripted.hubUser = ScriptedUpstream.HUB_USER;
		}
	}

	/** An upstream that cannot be reached: a page naming it, no error page. */
	@Test
	void unreachableUpstreamIsNamedOnTheLoginPage() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> start = browser.get(downstream.baseUrl() + "/login/with/gone");
		assertThat(TestBrowser.location(start)).endsWith("/login?upstream=gone&problem=unavailable");
		assertThat(browser.get(TestBrowser.location(start)).body()).contains("Gone could not be reached");
		HttpResponse<String> unknown = browser.get(downstream.baseUrl() + "/login/with/nobody");
		assertThat(unknown.statusCode()).isEqualTo(303);
		assertThat(browser.get(TestBrowser.location(unknown)).body()).doesNotContain("could not be reached");
	}

	/** The scripted upstream signs the person in at once: its answer on our callback. */
	private static String scriptedCallback(TestBrowser browser, String providerId) {
		HttpResponse<String> start = browser.get(downstream.baseUrl() + "/login/with/" + providerId);
		assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
		HttpResponse<String> answer = browser.get(TestBrowser.location(start));
		String callback = TestBrowser.location(answer);
		assertThat(callback).startsWith(downstream.baseUrl() + "/login/federated/" + providerId + "?");
		return callback;
	}

	/**
	 * From the downstream's button to the upstream's answer on the downstream's callback:
	 * the URL the upstream sent the browser to, not yet followed.
	 */
	private static String throughUpstream(TestBrowser browser, String username, String password) {
		return throughUpstream(browser, "corp", username, password);
	}

	private static String throughUpstream(TestBrowser browser, String providerId, String username, String password) {
		HttpResponse<String> start = browser.get(downstream.baseUrl() + "/login/with/" + providerId);
		assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
		String authorization = TestBrowser.location(start);
		Map<String, String> request = TestBrowser.queryParameters(authorization);
		assertThat(authorization).startsWith(upstreamIssuer() + "/oauth2/authorize");
		assertThat(request).containsKeys("state", "nonce", "code_challenge")
			.containsEntry("code_challenge_method", "S256")
			.containsEntry("redirect_uri", downstream.baseUrl() + "/login/federated/" + providerId);
		OAuthFlows upstreamFlows = new OAuthFlows(upstreamIssuer());
		HttpResponse<String> toLogin = browser.get(authorization);
		assertThat(TestBrowser.location(toLogin)).endsWith("/login");
		HttpResponse<String> login = upstreamFlows.signIn(browser, username, password);
		HttpResponse<String> resumed = browser.get(TestBrowser.location(login));
		assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(302);
		String callback = TestBrowser.location(resumed);
		assertThat(callback).startsWith(downstream.baseUrl() + "/login/federated/" + providerId + "?");
		return callback;
	}

	private static String upstreamIssuer() {
		return "http://127.0.0.1:" + upstream.port();
	}

	private static String file(String yaml) throws Exception {
		Path file = Files.createTempFile("lanyard-bootstrap", ".yaml");
		Files.writeString(file, yaml);
		return file.toString();
	}

}
