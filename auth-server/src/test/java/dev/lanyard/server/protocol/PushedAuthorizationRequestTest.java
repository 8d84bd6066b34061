package dev.lanyard.server.protocol;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.PushedAuthorizationRequest;
import com.nimbusds.oauth2.sdk.PushedAuthorizationResponse;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.Prompt;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pushed authorization requests (RFC 9126; docs/SECURITY.md OA-55) over real HTTP: a
 * relying party from nimbus's OAuth 2.0 SDK pushes its request with
 * {@code private_key_jwt}, the browser brings only {@code client_id} and
 * {@code request_uri}, and the code is redeemed with an assertion again.
 */
class PushedAuthorizationRequestTest {

	private static final String CLIENT = "pushing-app";

	private static final URI REDIRECT = URI.create(TestBootstrap.REDIRECT_URI);

	private static OAuthFlows flows;

	private static String issuer;

	private static RSAKey key;

	/** A browser signed in as bob. */
	private static TestBrowser bob;

	private final TestBrowser http = new TestBrowser();

	@BeforeAll
	static void setUp() throws Exception {
		flows = SharedLanyard.flows();
		issuer = SharedLanyard.server().baseUrl();
		key = new RSAKeyGenerator(2048).keyID("par-1").generate();
		SharedLanyard.server()
			.bean(ClientService.class)
			.importClient(new ClientRegistration(CLIENT, "Pushing App", false, null, "private_key_jwt",
					new JWKSet(key.toPublicJWK()).toString(), null, List.of(TestBootstrap.REDIRECT_URI), List.of(),
					Set.of("authorization_code"), Set.of("openid", "profile"), null, null, null, null, null, List.of(),
					null, true, null, null, null, null));
		bob = new TestBrowser();
		assertThat(flows.signIn(bob, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
	}

	@Test
	void parWhenRelyingPartyPushesWithPrivateKeyJwtThenCodeFlowCompletesAndRequestUriIsGoodOnce() throws Exception {
		CodeVerifier verifier = new CodeVerifier();
		Nonce nonce = new Nonce();
		State state = new State();
		PushedAuthorizationResponse pushed = push(new AuthenticationRequest.Builder(new ResponseType("code"),
				new Scope("openid", "profile"), new ClientID(CLIENT), REDIRECT)
			.state(state)
			.nonce(nonce)
			.codeChallenge(verifier, CodeChallengeMethod.S256)
			.build());
		assertThat(pushed.indicatesSuccess()).as(() -> pushed.toErrorResponse().getErrorObject().toString()).isTrue();
		URI requestUri = pushed.toSuccessResponse().getRequestURI();
		assertThat(requestUri.toString()).startsWith("urn:ietf:params:oauth:request_uri:");
		assertThat(pushed.toSuccessResponse().getLifetime()).isBetween(1L, 300L);

		String answer = TestBrowser.location(bob.get(frontChannel(requestUri)));
		Map<String, String> response = TestBrowser.queryParameters(answer);
		assertThat(answer).startsWith(TestBootstrap.REDIRECT_URI);
		assertThat(response).containsEntry("state", state.getValue()).containsEntry("iss", issuer);

		TokenResponse tokens = OIDCTokenResponse
			.parse(new TokenRequest(URI.create(issuer + "/oauth2/token"), assertion(),
					new AuthorizationCodeGrant(new AuthorizationCode(response.get("code")), REDIRECT, verifier))
				.toHTTPRequest()
				.send());
		assertThat(tokens.indicatesSuccess()).as(() -> tokens.toErrorResponse().getErrorObject().toString()).isTrue();
		assertThat(JWTParser.parse(((OIDCTokenResponse) tokens.toSuccessResponse()).getOIDCTokens().getIDTokenString())
			.getJWTClaimsSet()
			.getStringClaim("nonce")).isEqualTo(nonce.getValue());

		// RFC 9126 §4: one authorization response per pushed request.
		HttpResponse<String> again = bob.get(frontChannel(requestUri));
		assertThat(again.headers().firstValue("Location").orElse("")).doesNotContain("code=");
	}

	/** RFC 9126 §4: the pushed parameters are the request; the browser's are not read. */
	@Test
	void parWhenBrowserAddsParametersThenOnlyThePushedOnesCount() throws Exception {
		State state = new State();
		URI requestUri = push(new AuthorizationRequest.Builder(new ResponseType("code"), new ClientID(CLIENT))
			.redirectionURI(REDIRECT)
			.scope(new Scope("openid"))
			.state(state)
			.codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256)
			.build()).toSuccessResponse().getRequestURI();
		String answer = TestBrowser.location(bob.get(frontChannel(requestUri)
				+ "&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&state=theirs&scope=openid%20profile%20admin&prompt=none"));
		assertThat(answer).startsWith(TestBootstrap.REDIRECT_URI);
		assertThat(TestBrowser.queryParameters(answer)).containsEntry("state", state.getValue()).containsKey("code");
	}

	/** A pushed prompt=login sends the person to sign in once, then the code comes. */
	@Test
	void parWhenPushedPromptLoginThenSignInAskedOnceThenCode() throws Exception {
		TestBrowser browser = new TestBrowser();
		assertThat(flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
		URI requestUri = push(new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid"),
				new ClientID(CLIENT), REDIRECT)
			.prompt(new Prompt(Prompt.Type.LOGIN))
			.state(new State())
			.codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256)
			.build()).toSuccessResponse().getRequestURI();
		HttpResponse<String> start = browser.get(frontChannel(requestUri));
		assertThat(TestBrowser.location(start)).isEqualTo(flows.url("/login"));
		HttpResponse<String> signedIn = flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD);
		String resumed = TestBrowser.location(signedIn);
		assertThat(resumed).startsWith(flows.url("/oauth2/authorize"))
			.contains("request_uri=")
			.doesNotContain("prompt");
		String answer = TestBrowser.location(browser.get(resumed));
		assertThat(answer).startsWith(TestBootstrap.REDIRECT_URI).contains("code=");
	}

	/** The pages speak the pushed request's ui_locales, not one the browser adds. */
	@Test
	void parWhenPushedUiLocalesThenLoginPageInThatLanguage() throws Exception {
		URI requestUri = push(new AuthorizationRequest.Builder(new ResponseType("code"), new ClientID(CLIENT))
			.redirectionURI(REDIRECT)
			.scope(new Scope("openid"))
			.codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256)
			.customParameter("ui_locales", "zh-CN")
			.build()).toSuccessResponse().getRequestURI();
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> start = browser.get(frontChannel(requestUri) + "&ui_locales=en");
		assertThat(TestBrowser.location(start)).isEqualTo(flows.url("/login"));
		assertThat(browser.get(flows.url("/login")).body()).contains("<html lang=\"zh-CN\"");
	}

	/** RFC 9126 §6: a client registered so may not skip the pushed request. */
	@Test
	void parWhenRequiredAndAuthorizationRequestSentDirectlyThenInvalidRequestRedirect() {
		String answer = TestBrowser.location(bob.get(flows.authorizeUrl(OAuthFlows.codeRequest(CLIENT,
				TestBootstrap.REDIRECT_URI, "openid", "direct", TestBrowser.Pkce.create()))));
		assertThat(answer).startsWith(TestBootstrap.REDIRECT_URI);
		assertThat(TestBrowser.queryParameters(answer)).containsEntry("error", "invalid_request")
			.containsEntry("state", "direct")
			.doesNotContainKey("code");
		// Clients not registered so may still send their requests directly.
		String webApp = TestBrowser.location(bob.get(flows.authorizeUrl(OAuthFlows.codeRequest("web-app",
				TestBootstrap.REDIRECT_URI, "openid", "direct", TestBrowser.Pkce.create()))));
		assertThat(TestBrowser.queryParameters(webApp)).containsKey("code");
	}

	/**
	 * A POST to the authorization endpoint with a query string is refused: the framework
	 * would read a name found in the query as no form parameter, so the browser could
	 * show it one request and Lanyard's rules another — skip the pushed request a client
	 * must use, or use a pushed request twice.
	 */
	@Test
	void parWhenPostWithQueryStringThenRefusedAndNoCode() throws Exception {
		Map<String, String> direct = OAuthFlows.codeRequest(CLIENT, TestBootstrap.REDIRECT_URI, "openid", "direct",
				TestBrowser.Pkce.create());
		for (String query : List.of("?request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Ax", "?state=direct")) {
			HttpResponse<String> answer = bob.postForm(issuer + "/oauth2/authorize" + query, direct);
			assertThat(answer.headers().firstValue("Location").orElse("")).as(query).doesNotContain("code=");
		}
		URI requestUri = push(new AuthorizationRequest.Builder(new ResponseType("code"), new ClientID(CLIENT))
			.redirectionURI(REDIRECT)
			.scope(new Scope("openid"))
			.codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256)
			.build()).toSuccessResponse().getRequestURI();
		Map<String, String> pushed = Map.of("client_id", CLIENT, "request_uri", requestUri.toString());
		for (int i = 0; i < 2; i++) {
			HttpResponse<String> answer = bob.postForm(issuer + "/oauth2/authorize?x=request_uri", pushed);
			assertThat(answer.headers().firstValue("Location").orElse("")).doesNotContain("code=");
		}
		// Sent as the RFC says, it is still good, once.
		assertThat(TestBrowser.location(bob.postForm(issuer + "/oauth2/authorize", pushed))).contains("code=");
		assertThat(bob.postForm(issuer + "/oauth2/authorize", pushed).headers().firstValue("Location").orElse(""))
			.doesNotContain("code=");
	}

	/** A client's credentials are not part of its pushed request: never stored. */
	@Test
	void parWhenClientSendsItsSecretInTheFormThenTheSecretIsNotStored() {
		String secret = "posted-secret-that-is-long-enough-" + java.util.UUID.randomUUID();
		SharedLanyard.server()
			.bean(ClientService.class)
			.importClient(new ClientRegistration("posting-app", null, false, secret, "client_secret_post", null, null,
					List.of(TestBootstrap.REDIRECT_URI), List.of(), Set.of("authorization_code"), Set.of("openid"),
					null, null, null, null, null, List.of(), null, null, null, null, null, null));
		HttpResponse<String> pushed = this.http.postForm(issuer + "/oauth2/par",
				Map.of("client_id", "posting-app", "client_secret", secret, "response_type", "code", "redirect_uri",
						TestBootstrap.REDIRECT_URI, "scope", "openid", "code_challenge",
						TestBrowser.Pkce.create().challenge(), "code_challenge_method", "S256"));
		assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
		JdbcClient jdbc = JdbcClient.create(SharedLanyard.server().bean(javax.sql.DataSource.class));
		assertThat(jdbc.sql("SELECT count(*) FROM oauth_authorizations WHERE attributes::text LIKE ?")
			.param("%" + secret + "%")
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void parWhenUnauthenticatedOrRequestObjectOrAnotherClientsUriThenRefused() throws Exception {
		Map<String, String> form = Map.of("client_id", CLIENT, "response_type", "code", "redirect_uri",
				TestBootstrap.REDIRECT_URI, "scope", "openid", "code_challenge", TestBrowser.Pkce.create().challenge(),
				"code_challenge_method", "S256");
		HttpResponse<String> anonymous = this.http.postForm(issuer + "/oauth2/par", form);
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(TestBrowser.json(anonymous)).containsEntry("error", "invalid_client");

		HttpResponse<String> withObject = this.http.postForm(issuer + "/oauth2/par",
				Map.of("client_id", "web-app", "request", "eyJhbGciOiJub25lIn0.e30."), "Authorization",
				TestBrowser.basic("web-app", TestBootstrap.WEB_APP_SECRET));
		assertThat(withObject.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(withObject)).containsEntry("error", "invalid_request");

		// Pushed by pushing-app, brought with web-app's client_id: no code for anyone.
		URI requestUri = push(new AuthorizationRequest.Builder(new ResponseType("code"), new ClientID(CLIENT))
			.redirectionURI(REDIRECT)
			.scope(new Scope("openid"))
			.codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256)
			.build()).toSuccessResponse().getRequestURI();
		HttpResponse<String> stolen = bob.get(issuer + "/oauth2/authorize?client_id=web-app&request_uri="
				+ java.net.URLEncoder.encode(requestUri.toString(), java.nio.charset.StandardCharsets.UTF_8));
		assertThat(stolen.headers().firstValue("Location").orElse("")).doesNotContain("code=");
		assertThat(stolen.statusCode()).isEqualTo(400);
	}

	private static PushedAuthorizationResponse push(AuthorizationRequest request) throws Exception {
		HTTPResponse response = new PushedAuthorizationRequest(URI.create(issuer + "/oauth2/par"), assertion(), request)
			.toHTTPRequest()
			.send();
		return PushedAuthorizationResponse.parse(response);
	}

	private static PrivateKeyJWT assertion() throws Exception {
		return new PrivateKeyJWT(new ClientID(CLIENT), URI.create(issuer), JWSAlgorithm.RS256, key.toPrivateKey(),
				key.getKeyID(), null);
	}

	private static String frontChannel(URI requestUri) {
		return issuer + "/oauth2/authorize?client_id=" + CLIENT + "&request_uri="
				+ java.net.URLEncoder.encode(requestUri.toString(), java.nio.charset.StandardCharsets.UTF_8);
	}

}
