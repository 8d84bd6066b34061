package dev.lanyard.server.protocol;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol rules of the hardening issue (docs/SECURITY.md §7): consent (HD-04),
 * introspection (HD-06), odd input (HD-08) and client authentication (HD-11), each over
 * real HTTP.
 */
class ProtocolHardeningTest {

	private static final Pattern STATE = Pattern.compile("name=\"state\" value=\"([^\"]+)\"");

	private static final String SECRET = "hardening-secret-at-least-32-characters";

	private static final String LOOPBACK = "http://127.0.0.1:7001/cb";

	private static final String QUERY_REDIRECT = "https://query.example/cb?tenant=a=b&x=1";

	private static OAuthFlows flows;

	/** A browser signed in as bob. */
	private static TestBrowser bob;

	private final TestBrowser client = new TestBrowser();

	@BeforeAll
	static void setUp() {
		flows = SharedLanyard.flows();
		ClientService clients = SharedLanyard.server().bean(ClientService.class);
		clients.importClient(client("loopback-confidential", false, List.of(LOOPBACK), false));
		clients.importClient(client("query-app", false, List.of(QUERY_REDIRECT), false));
		clients.importClient(new ClientRegistration("resource-server", null, false, SECRET, null, null, null, List.of(),
				List.of(), Set.of("client_credentials"), Set.of(), null, null, null, null, null, List.of(), true, null,
				null, null, null, null));
		bob = new TestBrowser();
		assertThat(flows.signIn(bob, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
	}

	// HD-04: consent is the client's setting, whatever the scopes.

	@Test
	void hd04ConsentWhenClientRequiresItAndOnlyOpenidAskedThenConsentPageFirst() {
		TestBrowser carol = signedInAsNewUser();
		HttpResponse<String> first = carol.get(flows.authorizeUrl(OAuthFlows.codeRequest("consenting-app",
				TestBootstrap.REDIRECT_URI, "openid", "c1", TestBrowser.Pkce.create())));
		String consentUrl = TestBrowser.location(first);
		assertThat(consentUrl).startsWith(flows.url("/oauth2/consent?"));
		HttpResponse<String> page = carol.get(consentUrl);
		assertThat(page.body()).contains("Consenting App");
		String approved = TestBrowser.location(carol.postForm(flows.url("/oauth2/authorize"),
				Map.of("client_id", "consenting-app", "state", state(page.body()), "scope", "openid")));
		assertThat(TestBrowser.queryParameters(approved).get("code")).startsWith("lyac_");

		// Approved once, openid included: not asked again ...
		HttpResponse<String> again = carol.get(flows.authorizeUrl(OAuthFlows.codeRequest("consenting-app",
				TestBootstrap.REDIRECT_URI, "openid", "c2", TestBrowser.Pkce.create())));
		assertThat(TestBrowser.location(again)).startsWith(TestBootstrap.REDIRECT_URI).contains("code=");
		// ... unless the client asks with prompt=consent.
		Map<String, String> prompted = OAuthFlows.codeRequest("consenting-app", TestBootstrap.REDIRECT_URI, "openid",
				"c3", TestBrowser.Pkce.create());
		prompted.put("prompt", "consent");
		assertThat(TestBrowser.location(carol.get(flows.authorizeUrl(prompted))))
			.startsWith(flows.url("/oauth2/consent?"));
	}

	@Test
	void hd04PromptConsentWhenClientDoesNotRequireConsentThenConsentPageShown() {
		Map<String, String> request = OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile",
				"p1", TestBrowser.Pkce.create());
		request.put("prompt", "consent");
		assertThat(TestBrowser.location(bob.get(flows.authorizeUrl(request))))
			.startsWith(flows.url("/oauth2/consent?"));
	}

	/** A local process on another port must not receive a confidential client's codes. */
	@Test
	void hd04LoopbackWhenConfidentialClientThenPortMatchedExactly() {
		HttpResponse<String> otherPort = bob.get(flows.authorizeUrl(OAuthFlows.codeRequest("loopback-confidential",
				"http://127.0.0.1:7002/cb", "openid", "l1", TestBrowser.Pkce.create())), "Accept", "text/html");
		assertThat(otherPort.statusCode()).isEqualTo(400);
		assertThat(otherPort.headers().firstValue("Location")).isEmpty();
		HttpResponse<String> registered = bob.get(flows.authorizeUrl(
				OAuthFlows.codeRequest("loopback-confidential", LOOPBACK, "openid", "l2", TestBrowser.Pkce.create())));
		assertThat(TestBrowser.location(registered)).startsWith(LOOPBACK + "?code=");
	}

	/**
	 * RFC 8252 §7.3: a native (public) client may use any port of its loopback redirect
	 * URI.
	 */
	@Test
	void hd04LoopbackWhenPublicNativeClientThenAnyPort() {
		HttpResponse<String> ephemeral = bob.get(flows.authorizeUrl(OAuthFlows.codeRequest("spa",
				"http://127.0.0.1:51234/callback", "openid", "n1", TestBrowser.Pkce.create())));
		assertThat(TestBrowser.location(ephemeral)).startsWith("http://127.0.0.1:51234/callback?code=");
		HttpResponse<String> otherPath = bob.get(flows.authorizeUrl(OAuthFlows.codeRequest("spa",
				"http://127.0.0.1:51234/elsewhere", "openid", "n2", TestBrowser.Pkce.create())), "Accept", "text/html");
		assertThat(otherPath.statusCode()).isEqualTo(400);
	}

	// HD-06: introspection tells a token's secrets only to those entitled to them.

	@Test
	void hd06IntrospectionWhenAnotherClientsTokenThenInactiveUnlessAllowed() {
		String serviceToken = (String) TestBrowser
			.json(flows.token(this.client, "service", TestBootstrap.SERVICE_SECRET,
					Map.of("grant_type", "client_credentials")))
			.get("access_token");
		assertThat(flows.introspect(this.client, "web-app", TestBootstrap.WEB_APP_SECRET, serviceToken))
			.isEqualTo(Map.of("active", false));
		assertThat(flows.introspect(this.client, "service", TestBootstrap.SERVICE_SECRET, serviceToken).get("active"))
			.isEqualTo(true);
		Map<String, Object> byResourceServer = flows.introspect(this.client, "resource-server", SECRET, serviceToken);
		assertThat(byResourceServer.get("active")).isEqualTo(true);
		assertThat(byResourceServer.get("client_id")).isEqualTo("service");
		assertThat(flows.introspect(this.client, "gateway", TestBootstrap.GATEWAY_SECRET, serviceToken).get("active"))
			.isEqualTo(true);
	}

	@Test
	void hd06IntrospectionWhenCodeRefreshOrIdTokenThenInactiveForEveryone() {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String code = TestBrowser
			.queryParameters(TestBrowser.location(bob.get(flows
				.authorizeUrl(OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "i1", pkce)))))
			.get("code");
		for (String[] caller : callers()) {
			assertThat(flows.introspect(this.client, caller[0], caller[1], code)).as("code to " + caller[0])
				.isEqualTo(Map.of("active", false));
		}
		Map<String, Object> tokens = TestBrowser.json(flows.redeemCode(this.client, "web-app",
				TestBootstrap.WEB_APP_SECRET, code, TestBootstrap.REDIRECT_URI, pkce.verifier()));
		for (String kind : new String[] { "refresh_token", "id_token" }) {
			for (String[] caller : callers()) {
				assertThat(flows.introspect(this.client, caller[0], caller[1], (String) tokens.get(kind)))
					.as(kind + " to " + caller[0])
					.isEqualTo(Map.of("active", false));
			}
		}
		assertThat(flows
			.introspect(this.client, "web-app", TestBootstrap.WEB_APP_SECRET, (String) tokens.get("access_token"))
			.get("active")).isEqualTo(true);
	}

	// HD-08: odd input gets an answer, never a 500.

	@Test
	void hd08AuthorizeWhenClientLacksCodeGrantAndNoRedirectUriThenErrorPage() {
		for (TestBrowser browser : new TestBrowser[] { new TestBrowser(), bob }) {
			HttpResponse<String> response = browser
				.get(flows.url("/oauth2/authorize?client_id=service&response_type=code"), "Accept", "text/html");
			assertThat(response.statusCode()).isEqualTo(400);
			assertThat(response.headers().firstValue("Location")).isEmpty();
			assertThat(response.body()).contains("unauthorized_client");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://127.0.0.1:/callback", "http://127.0.0.1:0/callback",
			"http://127.0.0.1:65536/callback", "http://127.0.0.1:99999999999/callback", "http://127.0.0.1:-1/callback",
			"http://[::1]:70000/callback" })
	void hd08AuthorizeWhenLoopbackPortEmptyOrOutOfRangeThenErrorPage(String redirectUri) {
		HttpResponse<String> response = bob.get(
				flows
					.authorizeUrl(OAuthFlows.codeRequest("spa", redirectUri, "openid", "x", TestBrowser.Pkce.create())),
				"Accept", "text/html");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Location")).isEmpty();
		assertThat(response.body()).contains("invalid_request");
	}

	@Test
	void hd08StateWhenSentToIntrospectionOrRevocationThenUnknownToken() {
		TestBrowser dave = signedInAsNewUser();
		HttpResponse<String> request = dave.get(flows.authorizeUrl(OAuthFlows.codeRequest("consenting-app",
				TestBootstrap.REDIRECT_URI, "openid profile", "s", TestBrowser.Pkce.create())));
		String state = state(dave.get(TestBrowser.location(request)).body());
		assertThat(flows.introspect(this.client, "consenting-app", TestBootstrap.WEB_APP_SECRET, state))
			.isEqualTo(Map.of("active", false));
		for (String hint : new String[] { "", "state", "access_token" }) {
			HttpResponse<String> revoked = this.client.postForm(flows.url("/oauth2/revoke"),
					hint.isEmpty() ? Map.of("token", state) : Map.of("token", state, "token_type_hint", hint),
					"Authorization", TestBrowser.basic("consenting-app", TestBootstrap.WEB_APP_SECRET));
			assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
		}
		// The consent still works: the state was not consumed by the attempts.
		String approved = TestBrowser.location(dave.postForm(flows.url("/oauth2/authorize"),
				Map.of("client_id", "consenting-app", "state", state, "scope", "profile")));
		assertThat(TestBrowser.queryParameters(approved).get("code")).startsWith("lyac_");
	}

	/**
	 * RFC 6749 §3.1.2: a registered query is kept as registered, "=" in a value included.
	 */
	@Test
	void hd08RedirectUriWhenQueryValueHasEqualsSignThenKeptAndAnswered() {
		HttpResponse<String> response = bob.get(flows.authorizeUrl(
				OAuthFlows.codeRequest("query-app", QUERY_REDIRECT, "openid", "q", TestBrowser.Pkce.create())));
		assertThat(response.statusCode()).isEqualTo(302);
		String location = response.headers().firstValue("Location").orElseThrow();
		assertThat(location).startsWith(QUERY_REDIRECT + "&code=lyac_");
		assertThat(location).contains("&state=q&iss=");
		Map<String, String> error = OAuthFlows.codeRequest("query-app", QUERY_REDIRECT, "openid admin", "q",
				TestBrowser.Pkce.create());
		assertThat(bob.get(flows.authorizeUrl(error)).headers().firstValue("Location").orElseThrow())
			.startsWith(QUERY_REDIRECT + "&error=invalid_scope");
	}

	// HD-11: one client authentication method, and a malformed one is a failed one.

	@Test
	void hd11TokenWhenTwoClientAuthenticationMethodsThenRefused() {
		HttpResponse<String> basicAndPost = this.client.postForm(flows.url("/oauth2/token"),
				Map.of("grant_type", "client_credentials", "client_id", "service", "client_secret",
						TestBootstrap.SERVICE_SECRET),
				"Authorization", TestBrowser.basic("service", TestBootstrap.SERVICE_SECRET));
		assertThat(basicAndPost.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(basicAndPost).get("error")).isEqualTo("invalid_request");
		HttpResponse<String> postAndAssertion = this.client.postForm(flows.url("/oauth2/token"),
				Map.of("grant_type", "client_credentials", "client_id", "service", "client_secret",
						TestBootstrap.SERVICE_SECRET, "client_assertion_type",
						"urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", "a.b.c"));
		assertThat(postAndAssertion.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(postAndAssertion).get("error")).isEqualTo("invalid_request");
		// Each alone still works.
		assertThat(flows
			.token(this.client, "service", TestBootstrap.SERVICE_SECRET, Map.of("grant_type", "client_credentials"))
			.statusCode()).isEqualTo(200);
	}

	/**
	 * RFC 6749 §5.2: a client that tried to authenticate and failed gets 401
	 * invalid_client.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "Basic !!!not-base64!!!", "Basic", "Basic a b", "Basic bm8tY29sb24=", "Basic OnNlY3JldA==",
			"Basic c2VydmljZTo=", "Basic c2VydmljZToleno=" })
	void hd11TokenWhenBasicHeaderMalformedThenInvalidClient(String header) {
		HttpResponse<String> response = this.client.postForm(flows.url("/oauth2/token"),
				Map.of("grant_type", "client_credentials"), "Authorization", header);
		assertThat(response.statusCode()).as(header).isEqualTo(401);
		assertThat(TestBrowser.json(response).get("error")).isEqualTo("invalid_client");
		assertThat(response.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
	}

	private static List<String[]> callers() {
		return List.of(new String[] { "web-app", TestBootstrap.WEB_APP_SECRET },
				new String[] { "resource-server", SECRET }, new String[] { "gateway", TestBootstrap.GATEWAY_SECRET });
	}

	private static TestBrowser signedInAsNewUser() {
		String username = "user-" + UUID.randomUUID().toString().substring(0, 8);
		SharedLanyard.server()
			.bean(UserService.class)
			.create(username, null, "quiet-harbor-lantern-91", true, false, List.of("user"), Map.of(), Map.of());
		TestBrowser browser = new TestBrowser();
		assertThat(flows.signIn(browser, username, "quiet-harbor-lantern-91").statusCode()).isIn(302, 303);
		return browser;
	}

	private static ClientRegistration client(String clientId, boolean publicClient, List<String> redirectUris,
			boolean requireConsent) {
		return new ClientRegistration(clientId, null, publicClient, publicClient ? null : SECRET, null, null, null,
				redirectUris, List.of(), Set.of("authorization_code"), Set.of("openid", "profile"), null,
				requireConsent, null, null, null, List.of(), null, null, null, null, null, null);
	}

	private static String state(String html) {
		Matcher matcher = STATE.matcher(html);
		assertThat(matcher.find()).as(html).isTrue();
		return matcher.group(1);
	}

}
