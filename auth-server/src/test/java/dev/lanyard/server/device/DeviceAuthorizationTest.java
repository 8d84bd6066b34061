package dev.lanyard.server.device;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationGrantError;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.device.DeviceCode;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.authorization.GrantRevocations;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device authorization grant (RFC 8628; docs/SECURITY.md OA-61) over real HTTP with
 * nimbus's OAuth 2.0 SDK as the device, on two nodes: the device asks and polls at one,
 * the person confirms at the other. The page in a real browser:
 * {@link DeviceActivationBrowserTest}.
 */
class DeviceAuthorizationTest {

	private static final String TV = "tv-app";

	private static final String KIOSK = "kiosk";

	private static final String KIOSK_SECRET = "kiosk-secret-at-least-32-characters-long";

	/**
	 * A person of the throttling test's own, whose budget the other tests do not touch.
	 */
	private static final String GUESSER_PASSWORD = "guesser-password-for-device-tests";

	private static final String LEAVER_PASSWORD = "leaver-password-for-device-tests";

	private static LanyardTestServer nodeA;

	private static LanyardTestServer nodeB;

	@BeforeAll
	static void setUp() {
		LanyardTestServer[] nodes = LanyardTestServer.startTwoNodes(LanyardTestServer.newDeployment());
		nodeA = nodes[0];
		nodeB = nodes[1];
		ClientService clients = nodeA.bean(ClientService.class);
		clients.importClient(new ClientRegistration(TV, "Living Room TV", true, null, "none", null, null, List.of(),
				List.of(), Set.of("urn:ietf:params:oauth:grant-type:device_code", "refresh_token"), Set.of("profile"),
				null, null, null, null, null, List.of(), null, null, null, null, null, null));
		clients.importClient(new ClientRegistration(KIOSK, "Lobby Kiosk", false, KIOSK_SECRET, "client_secret_basic",
				null, null, List.of(), List.of(), Set.of("urn:ietf:params:oauth:grant-type:device_code"),
				Set.of("profile"), null, true, null, null, null, List.of(), null, null, null, null, null, null));
		nodeA.bean(UserService.class)
			.importUser("guesser", GUESSER_PASSWORD, null, List.of("user"), Map.of(), Map.of(), true);
	}

	@AfterAll
	static void tearDown() {
		LanyardTestServer.closeAll(nodeA, nodeB);
	}

	/**
	 * A public client (a TV): asks at node A, the person confirms at node B, the first
	 * poll gets tokens, an immediate second poll (at either node) slow_down, and the
	 * refresh token works with the client id alone.
	 */
	@Test
	void deviceWhenPersonConfirmsOnTheOtherNodeThenFirstPollGetsTokensAndRefreshWorks() throws Exception {
		DeviceAuthorizationSuccessResponse device = ask(nodeA, TV, null);
		assertThat(device.getUserCode().getValue()).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
		assertThat(device.getVerificationURI()).isEqualTo(URI.create(nodeA.baseUrl() + "/activate"));
		assertThat(device.getVerificationURIComplete().toString())
			.isEqualTo(nodeA.baseUrl() + "/activate?user_code=" + device.getUserCode().getValue());
		assertThat(device.getLifetime()).isPositive();

		TestBrowser person = signedIn(nodeB, "bob", TestBootstrap.BOB_PASSWORD);
		// Typed in lower case without the dash: the same code.
		HttpResponse<String> confirm = enter(nodeB, person,
				device.getUserCode().getValue().toLowerCase().replace("-", ""));
		assertThat(confirm.body()).contains("Living Room TV").contains(device.getUserCode().getValue());
		HttpResponse<String> done = decide(nodeB, person, confirm, "allow");
		assertThat(done.body()).contains("id=\"result\"").contains("Living Room TV");

		Tokens tokens = poll(nodeA, TV, null, device.getDeviceCode()).toSuccessResponse().getTokens();
		assertThat(tokens.getAccessToken()).isNotNull();
		assertThat(tokens.getRefreshToken()).isNotNull();
		// The gateway exchanges it like any user's token: bob's session, the TV's client.
		HttpResponse<String> exchanged = new TestBrowser().postForm(nodeA.baseUrl() + "/oauth2/token",
				Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token",
						tokens.getAccessToken().getValue(), "subject_token_type",
						"urn:ietf:params:oauth:token-type:access_token", "audience", "internal"),
				"Authorization", TestBrowser.basic("gateway", TestBootstrap.GATEWAY_SECRET));
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		Map<String, Object> session = TestBrowser.jwtClaims((String) TestBrowser.json(exchanged).get("access_token"));
		assertThat(session).containsEntry("preferred_username", "bob").containsEntry("client_id", TV);
		assertThat(session.get("scope").toString()).contains("profile");

		// RFC 8628 §3.5: polling again at once is too fast, at either node.
		assertThat(pollError(nodeB, TV, null, device.getDeviceCode()).getCode()).isEqualTo("slow_down");
		// The confirmed code is used up.
		assertThat(enter(nodeA, person, device.getUserCode().getValue()).body()).contains("not valid");

		TokenResponse refreshed = TokenResponse.parse(new TokenRequest(URI.create(nodeB.baseUrl() + "/oauth2/token"),
				new ClientID(TV), new RefreshTokenGrant(tokens.getRefreshToken()))
			.toHTTPRequest()
			.send());
		assertThat(refreshed.indicatesSuccess()).as(() -> refreshed.toErrorResponse().getErrorObject().toString())
			.isTrue();
		// The device code is good for one redemption (the framework calls the used code
		// denied).
		Thread.sleep(DevicePolling.INTERVAL_SECONDS * 1000L + 200);
		assertThat(pollError(nodeA, TV, null, device.getDeviceCode()).getCode()).isEqualTo("access_denied");
	}

	/**
	 * The device flow taken from a client: a request it made before, approved but not yet
	 * redeemed, gets no tokens, and the grant it redeemed before is not refreshed (the
	 * framework checks neither).
	 */
	@Test
	void deviceWhenClientLosesTheDeviceGrantThenApprovedRequestNotRedeemedAndRefreshRefused() throws Exception {
		String gadget = "gadget-" + System.nanoTime();
		ClientService clients = nodeA.bean(ClientService.class);
		Set<String> grants = Set.of("urn:ietf:params:oauth:grant-type:device_code", "refresh_token");
		clients.importClient(gadget(gadget, grants));
		TestBrowser person = signedIn(nodeB, "bob", TestBootstrap.BOB_PASSWORD);
		DeviceAuthorizationSuccessResponse redeemed = ask(nodeA, gadget, null);
		decide(nodeB, person, enter(nodeB, person, redeemed.getUserCode().getValue()), "allow");
		Tokens tokens = poll(nodeA, gadget, null, redeemed.getDeviceCode()).toSuccessResponse().getTokens();
		DeviceAuthorizationSuccessResponse waiting = ask(nodeA, gadget, null);
		decide(nodeB, person, enter(nodeB, person, waiting.getUserCode().getValue()), "allow");

		// Signs people in with codes now, not on devices (a refresh token still continues
		// those grants).
		clients.update(gadget, gadget(gadget, Set.of("authorization_code", "refresh_token")));

		assertThat(pollError(nodeA, gadget, null, waiting.getDeviceCode()).getCode()).isIn("invalid_grant",
				"unauthorized_client");
		TokenResponse refreshed = TokenResponse.parse(new TokenRequest(URI.create(nodeB.baseUrl() + "/oauth2/token"),
				new ClientID(gadget), new RefreshTokenGrant(tokens.getRefreshToken()))
			.toHTTPRequest()
			.send());
		assertThat(refreshed.indicatesSuccess()).isFalse();
		assertThat(refreshed.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_grant");
	}

	private static ClientRegistration gadget(String clientId, Set<String> grants) {
		List<String> redirectUris = grants.contains("authorization_code") ? List.of("https://gadget.example/cb")
				: List.of();
		return new ClientRegistration(clientId, "Gadget", true, null, "none", null, null, redirectUris, List.of(),
				grants, Set.of("profile"), null, null, null, null, null, List.of(), null, null, null, null, null, null);
	}

	/**
	 * The confirmation is taken only for the code this session was shown: posted directly
	 * (guessing codes without the throttle) it is refused, and nothing granted.
	 */
	@Test
	void deviceWhenConfirmationPostedWithoutBeingShownThenRefused() throws Exception {
		DeviceAuthorizationSuccessResponse device = ask(nodeA, TV, null);
		TestBrowser person = signedIn(nodeA, "bob", TestBootstrap.BOB_PASSWORD);
		HttpResponse<String> page = person.get(nodeA.baseUrl() + "/activate?lang=en");
		HttpResponse<String> direct = person.postForm(nodeA.baseUrl() + "/activate/confirm", Map.of("user_code",
				device.getUserCode().getValue(), "decision", "allow", "_csrf", TestBrowser.csrf(page.body())));
		assertThat(direct.body()).contains("not valid").doesNotContain("id=\"result\"");
		assertThat(pollError(nodeA, TV, null, device.getDeviceCode()))
			.isEqualTo(DeviceAuthorizationGrantError.AUTHORIZATION_PENDING);
	}

	/**
	 * An account disabled after its person allowed a device gets no token at the poll,
	 * and its session can approve nothing more.
	 */
	@Test
	void deviceWhenAccountDisabledAfterApprovalThenNoTokensAndNoMoreApprovals() throws Exception {
		UserService users = nodeA.bean(UserService.class);
		users.importUser("leaver", LEAVER_PASSWORD, null, List.of("user"), Map.of(), Map.of(), true);
		DeviceAuthorizationSuccessResponse device = ask(nodeA, TV, null);
		TestBrowser person = signedIn(nodeA, "leaver", LEAVER_PASSWORD);
		decide(nodeA, person, enter(nodeA, person, device.getUserCode().getValue()), "allow");
		users.importUser("leaver", LEAVER_PASSWORD, null, List.of("user"), Map.of(), Map.of(), false);

		assertThat(pollError(nodeB, TV, null, device.getDeviceCode()).getCode()).isEqualTo("invalid_grant");
		HttpResponse<String> again = person.get(nodeB.baseUrl() + "/activate");
		assertThat(again.statusCode()).isEqualTo(302);
		assertThat(TestBrowser.location(again)).endsWith("/login");
	}

	/**
	 * Before the person decides the device hears authorization_pending (and slow_down
	 * when too fast); after a denial, access_denied.
	 */
	@Test
	void deviceWhenPendingThenPendingAndWhenDeniedThenAccessDenied() throws Exception {
		ClientSecretBasic kiosk = new ClientSecretBasic(new ClientID(KIOSK), new Secret(KIOSK_SECRET));
		DeviceAuthorizationSuccessResponse device = ask(nodeB, KIOSK, kiosk);
		assertThat(pollError(nodeA, KIOSK, kiosk, device.getDeviceCode()))
			.isEqualTo(DeviceAuthorizationGrantError.AUTHORIZATION_PENDING);
		assertThat(pollError(nodeB, KIOSK, kiosk, device.getDeviceCode()).getCode()).isEqualTo("slow_down");

		TestBrowser person = signedIn(nodeA, "alice", TestBootstrap.ALICE_PASSWORD);
		HttpResponse<String> confirm = enter(nodeA, person, device.getUserCode().getValue());
		assertThat(confirm.body()).contains("Lobby Kiosk");
		decide(nodeA, person, confirm, "deny");
		Thread.sleep(DevicePolling.INTERVAL_SECONDS * 1000L + 200);
		assertThat(pollError(nodeB, KIOSK, kiosk, device.getDeviceCode()).getCode()).isEqualTo("access_denied");
	}

	/**
	 * RFC 8628 §5.4: a code arriving in a link grants nothing by itself: the framework's
	 * verification endpoint sends the person to /activate, /activate with the code only
	 * fills in the form, and the confirmation needs the page's CSRF token.
	 */
	@Test
	void deviceWhenCodeArrivesInALinkThenNothingGrantedWithoutTheConfirmation() throws Exception {
		DeviceAuthorizationSuccessResponse device = ask(nodeA, TV, null);
		String code = device.getUserCode().getValue();
		TestBrowser person = signedIn(nodeA, "bob", TestBootstrap.BOB_PASSWORD);

		HttpResponse<String> framework = person.get(nodeA.baseUrl() + "/oauth2/device_verification?user_code=" + code);
		assertThat(framework.statusCode()).isEqualTo(302);
		assertThat(TestBrowser.location(framework)).endsWith("/activate");
		HttpResponse<String> link = person.get(device.getVerificationURIComplete().toString());
		assertThat(link.statusCode()).isEqualTo(200);
		assertThat(link.body()).contains("value=\"" + code + "\"").doesNotContain("decision");
		HttpResponse<String> forged = person.postForm(nodeA.baseUrl() + "/activate/confirm",
				Map.of("user_code", code, "decision", "allow"));
		assertThat(forged.statusCode()).isEqualTo(403);
		assertThat(pollError(nodeA, TV, null, device.getDeviceCode()))
			.isEqualTo(DeviceAuthorizationGrantError.AUTHORIZATION_PENDING);

		// Not signed in: the page asks for a sign-in first.
		HttpResponse<String> anonymous = new TestBrowser().get(device.getVerificationURIComplete().toString());
		assertThat(TestBrowser.location(anonymous)).endsWith("/login");
	}

	/**
	 * Revoking a client's grants (as disabling it does) ends its devices' pending
	 * requests too: the code cannot be confirmed, and the device hears access_denied.
	 */
	@Test
	void deviceWhenClientGrantsRevokedThenPendingRequestEnds() throws Exception {
		ClientSecretBasic kiosk = new ClientSecretBasic(new ClientID(KIOSK), new Secret(KIOSK_SECRET));
		DeviceAuthorizationSuccessResponse device = ask(nodeA, KIOSK, kiosk);
		String kioskId = nodeA.bean(RegisteredClientRepository.class).findByClientId(KIOSK).getId();
		assertThat(nodeB.bean(GrantRevocations.class).revokeByClient(kioskId, "test")).isPositive();

		TestBrowser person = signedIn(nodeA, "alice", TestBootstrap.ALICE_PASSWORD);
		assertThat(enter(nodeA, person, device.getUserCode().getValue()).body()).contains("not valid");
		assertThat(pollError(nodeB, KIOSK, kiosk, device.getDeviceCode()).getCode()).isEqualTo("access_denied");
	}

	/** RFC 8628 §5.1: user codes are short, so wrong ones count like wrong passwords. */
	@Test
	void deviceWhenWrongCodesTypedThenThrottledEvenForARightOne() throws Exception {
		DeviceAuthorizationSuccessResponse device = ask(nodeA, TV, null);
		TestBrowser person = signedIn(nodeB, "guesser", GUESSER_PASSWORD);
		assertThat(enter(nodeB, person, "not a code").body()).contains("not valid");
		for (int i = 0; i < 9; i++) {
			assertThat(enter(nodeB, person, "BCDF-GHJK").body()).contains("not valid");
		}
		HttpResponse<String> throttled = enter(nodeA, person, device.getUserCode().getValue());
		assertThat(throttled.body()).contains("Too many attempts").doesNotContain("decision");
	}

	/**
	 * Wrong passwords typed for a made-up login name that spells a person's device-code
	 * counter ({@code device-code:<sub>}, the sub any client of theirs knows) do not
	 * count against that person's codes: the counter's purpose is no part of a typed
	 * name.
	 */
	@Test
	void deviceWhenPasswordsFailForANameSpellingAPersonsCounterThenTheirCodeStillTaken() throws Exception {
		String password = "wren-password-for-device-tests";
		java.util.UUID wren = nodeA.bean(UserService.class)
			.importUser("wren", password, null, List.of("user"), Map.of(), Map.of(), true)
			.after()
			.id();
		OAuthFlows flows = new OAuthFlows(nodeB.baseUrl());
		for (int i = 0; i < 12; i++) {
			flows.signIn(new TestBrowser(), "device-code:" + wren, "wrong-password-" + i);
		}
		TestBrowser person = signedIn(nodeA, "wren", password);
		DeviceAuthorizationSuccessResponse device = ask(nodeA, TV, null);
		HttpResponse<String> confirm = enter(nodeA, person, device.getUserCode().getValue());
		assertThat(confirm.body()).doesNotContain("Too many attempts").contains("name=\"decision\"");
	}

	/**
	 * A node of its own (its own counters): an address that asked too often is told 429
	 * with Retry-After (RFC 6585), not the token endpoint's slow_down; and with Redis
	 * unreachable a waiting device still hears authorization_pending (the polling
	 * interval is then this node's to keep), never a 503 that would end its sign-in.
	 */
	@Test
	void deviceWhenAddressAsksTooOftenThen429AndWhenRedisGoneThenPollingGoesOn() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.login.max-attempts-per-address", "2");
		URI redis = URI.create(deployment.get("spring.data.redis.url"));
		try (dev.lanyard.server.TcpProxy proxy = new dev.lanyard.server.TcpProxy(redis.getPort())) {
			deployment.put("spring.data.redis.url", "redis://127.0.0.1:" + proxy.port());
			try (LanyardTestServer node = LanyardTestServer.start(deployment)) {
				node.bean(ClientService.class)
					.importClient(new ClientRegistration(TV, "Living Room TV", true, null, "none", null, null,
							List.of(), List.of(), Set.of("urn:ietf:params:oauth:grant-type:device_code"),
							Set.of("profile"), null, null, null, null, null, List.of(), null, null, null, null, null,
							null));
				DeviceAuthorizationSuccessResponse device = ask(node, TV, null);
				ask(node, TV, null);
				HttpResponse<String> refused = new TestBrowser().postForm(
						node.baseUrl() + "/oauth2/device_authorization", Map.of("client_id", TV, "scope", "profile"));
				assertThat(refused.statusCode()).isEqualTo(429);
				assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
				assertThat(TestBrowser.json(refused).get("error")).isEqualTo("temporarily_unavailable");

				proxy.blackhole();
				assertThat(pollError(node, TV, null, device.getDeviceCode()).getCode())
					.isEqualTo("authorization_pending");
				assertThat(pollError(node, TV, null, device.getDeviceCode()).getCode()).isEqualTo("slow_down");
			}
		}
	}

	/**
	 * A client's device authorization requests are bounded at each node whatever the
	 * addresses (two in a window here): anyone knowing a public client's id can ask from
	 * many addresses, and each request is a row kept an hour past its expiry. Past the
	 * bound the same 429; another client is not touched.
	 */
	@Test
	void deviceWhenOneClientAsksTooOftenThen429ForItAlone() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.login.max-device-requests-per-client", "2");
		try (LanyardTestServer node = LanyardTestServer.start(deployment)) {
			for (String client : List.of(TV, "radio-app")) {
				node.bean(ClientService.class)
					.importClient(new ClientRegistration(client, client, true, null, "none", null, null, List.of(),
							List.of(), Set.of("urn:ietf:params:oauth:grant-type:device_code"), Set.of("profile"), null,
							null, null, null, null, List.of(), null, null, null, null, null, null));
			}
			ask(node, TV, null);
			ask(node, TV, null);
			HttpResponse<String> refused = new TestBrowser().postForm(node.baseUrl() + "/oauth2/device_authorization",
					Map.of("client_id", TV, "scope", "profile"));
			assertThat(refused.statusCode()).isEqualTo(429);
			assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
			assertThat(ask(node, "radio-app", null).getUserCode()).isNotNull();
		}
	}

	@Test
	void normalizeWhenTypedLooselyThenTheIssuedForm() {
		assertThat(DeviceVerification.normalize(" bcdf ghjk ")).isEqualTo("BCDF-GHJK");
		assertThat(DeviceVerification.normalize("BCDF-GHJK")).isEqualTo("BCDF-GHJK");
		assertThat(DeviceVerification.normalize("BCDF-GHJA")).isNull();
		assertThat(DeviceVerification.normalize("BCDF-GHJ")).isNull();
		assertThat(DeviceVerification.normalize(null)).isNull();
		// Full-width letters (an East Asian input method), an en dash, a no-break space.
		assertThat(DeviceVerification.normalize("ＢＣＤＦ－ＧＨＪＫ")).isEqualTo("BCDF-GHJK");
		assertThat(DeviceVerification.normalize("BCDF\u2013GHJK")).isEqualTo("BCDF-GHJK");
		assertThat(DeviceVerification.normalize("bcdf\u00a0ghjk")).isEqualTo("BCDF-GHJK");
		assertThat(DeviceVerification.normalize("BCDF\u200bGHJK")).isNull();
	}

	/**
	 * A person who must sign in with two factors approves a device only with two: a
	 * session signed in with the password alone is asked for the second factor and comes
	 * back to the code, and a confirmation posted without it is refused.
	 */
	@Test
	void deviceWhenPersonRequiresTwoFactorsThenSecondFactorBeforeApproval() throws Exception {
		String password = "ivy-password-for-device-tests";
		java.util.UUID ivy = nodeA.bean(UserService.class)
			.importUser("ivy", password, null, List.of("user"), Map.of(), Map.of(), true)
			.after()
			.id();
		TestBrowser person = signedIn(nodeA, "ivy", password);
		dev.lanyard.server.secondfactor.TestAuthenticatorApp app = dev.lanyard.server.secondfactor.TestAuthenticatorApp
			.enrol(person, nodeA.baseUrl(), password);
		nodeA.bean(dev.lanyard.admin.user.UserAdministration.class)
			.requireSecondFactor(ivy.toString(), true, new dev.lanyard.admin.Actor("admin", "admin", "127.0.0.1"));
		DeviceAuthorizationSuccessResponse device = ask(nodeA, TV, null);
		HttpResponse<String> asked = enter(nodeA, person, device.getUserCode().getValue());
		assertThat(TestBrowser.location(asked)).endsWith("/login/second-factor");
		HttpResponse<String> given = dev.lanyard.server.secondfactor.TestAuthenticatorApp.submitCode(person,
				nodeA.baseUrl(), app.nextCode());
		assertThat(TestBrowser.location(given)).contains("/activate?user_code=" + device.getUserCode().getValue());
		HttpResponse<String> confirm = enter(nodeA, person, device.getUserCode().getValue());
		assertThat(decide(nodeA, person, confirm, "allow").body()).contains("id=\"result\"");
		assertThat(poll(nodeA, TV, null, device.getDeviceCode()).indicatesSuccess()).isTrue();
	}

	private static DeviceAuthorizationSuccessResponse ask(LanyardTestServer node, String clientId,
			ClientSecretBasic authentication) throws Exception {
		URI endpoint = URI.create(node.baseUrl() + "/oauth2/device_authorization");
		DeviceAuthorizationRequest request = (authentication != null)
				? new DeviceAuthorizationRequest.Builder(authentication).scope(new Scope("profile"))
					.endpointURI(endpoint)
					.build()
				: new DeviceAuthorizationRequest.Builder(new ClientID(clientId)).scope(new Scope("profile"))
					.endpointURI(endpoint)
					.build();
		DeviceAuthorizationResponse response = DeviceAuthorizationResponse.parse(request.toHTTPRequest().send());
		assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().getErrorObject().toString())
			.isTrue();
		return response.toSuccessResponse();
	}

	private static TokenResponse poll(LanyardTestServer node, String clientId, ClientSecretBasic authentication,
			DeviceCode deviceCode) throws Exception {
		URI endpoint = URI.create(node.baseUrl() + "/oauth2/token");
		TokenRequest request = (authentication != null)
				? new TokenRequest(endpoint, authentication, new DeviceCodeGrant(deviceCode))
				: new TokenRequest(endpoint, new ClientID(clientId), new DeviceCodeGrant(deviceCode));
		TokenResponse response = TokenResponse.parse(request.toHTTPRequest().send());
		return response;
	}

	private static ErrorObject pollError(LanyardTestServer node, String clientId, ClientSecretBasic authentication,
			DeviceCode deviceCode) throws Exception {
		TokenResponse response = poll(node, clientId, authentication, deviceCode);
		assertThat(response.indicatesSuccess()).isFalse();
		return response.toErrorResponse().getErrorObject();
	}

	private static TestBrowser signedIn(LanyardTestServer node, String username, String password) {
		TestBrowser browser = new TestBrowser();
		assertThat(new OAuthFlows(node.baseUrl()).signIn(browser, username, password).statusCode()).isIn(302, 303);
		return browser;
	}

	/** Types a code on the page, as the person would: the form, then its POST. */
	private static HttpResponse<String> enter(LanyardTestServer node, TestBrowser person, String code) {
		HttpResponse<String> page = person.get(node.baseUrl() + "/activate?lang=en");
		assertThat(page.statusCode()).isEqualTo(200);
		return person.postForm(node.baseUrl() + "/activate",
				Map.of("user_code", code, "_csrf", TestBrowser.csrf(page.body())));
	}

	private static HttpResponse<String> decide(LanyardTestServer node, TestBrowser person,
			HttpResponse<String> confirmPage, String decision) {
		assertThat(confirmPage.body()).contains("name=\"decision\"");
		String userCode = confirmPage.body().replaceAll("(?s).*name=\"user_code\" value=\"([^\"]+)\".*", "$1");
		HttpResponse<String> done = person.postForm(node.baseUrl() + "/activate/confirm",
				Map.of("user_code", userCode, "decision", decision, "_csrf", TestBrowser.csrf(confirmPage.body())));
		assertThat(done.statusCode()).isEqualTo(200);
		return done;
	}

}
