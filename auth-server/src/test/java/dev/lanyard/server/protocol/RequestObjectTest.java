package dev.lanyard.server.protocol;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.PushedAuthorizationRequest;
import com.nimbusds.oauth2.sdk.PushedAuthorizationResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signed request objects (RFC 9101 JAR, OpenID Connect Core §6.1; docs/SECURITY.md OA-57)
 * over real HTTP, by value at the authorization endpoint and inside a pushed request:
 * only the object's parameters count, an object that breaks a rule gets
 * {@code invalid_request_object}, and the code is redeemed with {@code private_key_jwt}
 * by nimbus's SDK.
 */
class RequestObjectTest {

	private static final String CLIENT = "jar-app";

	private static OAuthFlows flows;

	private static String issuer;

	private static RSAKey key;

	private static TestBrowser bob;

	@BeforeAll
	static void setUp() throws Exception {
		flows = SharedLanyard.flows();
		issuer = SharedLanyard.server().baseUrl();
		key = new RSAKeyGenerator(2048).keyID("jar-1").generate();
		SharedLanyard.server()
			.bean(ClientService.class)
			.importClient(new ClientRegistration(CLIENT, "JAR App", false, null, "private_key_jwt",
					new JWKSet(key.toPublicJWK()).toString(), null, List.of(TestBootstrap.REDIRECT_URI), List.of(),
					Set.of("authorization_code"), Set.of("openid", "profile"), null, null, null, null, null, List.of(),
					null, null, null, null, null, null));
		bob = new TestBrowser();
		assertThat(flows.signIn(bob, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
	}

	@Test
	void requestObjectWhenSignedByTheClientThenItsParametersAloneCountAndCodeRedeems() throws Exception {
		CodeVerifier verifier = new CodeVerifier();
		String nonce = UUID.randomUUID().toString();
		String object = signed(key, (claims) -> claims.claim("nonce", nonce)
			.claim("code_challenge", CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue()));
		// The browser's own redirect_uri, state and scope are not read (RFC 9101 §6.3).
		String answer = TestBrowser.location(bob.get(issuer + "/oauth2/authorize?client_id=" + CLIENT + "&request="
				+ object + "&redirect_uri=" + URLEncoder.encode("https://evil.example/cb", StandardCharsets.UTF_8)
				+ "&state=theirs&scope=openid%20admin"));
		assertThat(answer).startsWith(TestBootstrap.REDIRECT_URI);
		Map<String, String> response = TestBrowser.queryParameters(answer);
		assertThat(response).containsEntry("state", "from-the-object").containsKey("code");

		TokenResponse tokens = OIDCTokenResponse.parse(new TokenRequest(URI.create(issuer + "/oauth2/token"),
				new PrivateKeyJWT(new ClientID(CLIENT), URI.create(issuer), JWSAlgorithm.RS256, key.toPrivateKey(),
						key.getKeyID(), null),
				new AuthorizationCodeGrant(new AuthorizationCode(response.get("code")),
						URI.create(TestBootstrap.REDIRECT_URI), verifier))
			.toHTTPRequest()
			.send());
		assertThat(tokens.indicatesSuccess()).as(() -> tokens.toErrorResponse().getErrorObject().toString()).isTrue();
		assertThat(JWTParser.parse(((OIDCTokenResponse) tokens.toSuccessResponse()).getOIDCTokens().getIDTokenString())
			.getJWTClaimsSet()
			.getStringClaim("nonce")).isEqualTo(nonce);
	}

	@ParameterizedTest
	@ValueSource(strings = { "another key", "another audience", "another issuer", "another client_id", "expired",
			"exp two hours ahead", "no exp", "typ at+jwt", "a request_uri inside", "prompt as a list" })
	void requestObjectWhenARuleIsBrokenThenInvalidRequestObjectAndNoCode(String broken) throws Exception {
		RSAKey signing = broken.equals("another key") ? new RSAKeyGenerator(2048).keyID("jar-1").generate() : key;
		Consumer<JWTClaimsSet.Builder> change = switch (broken) {
			case "another audience" -> (claims) -> claims.audience("https://other.example");
			case "another issuer" -> (claims) -> claims.issuer("web-app");
			case "another client_id" -> (claims) -> claims.claim("client_id", "web-app");
			case "expired" -> (claims) -> claims.expirationTime(in(-120));
			case "exp two hours ahead" -> (claims) -> claims.expirationTime(in(7200));
			case "no exp" -> (claims) -> claims.expirationTime(null);
			case "a request_uri inside" -> (claims) -> claims.claim("request_uri", "https://x.example/r");
			case "prompt as a list" -> (claims) -> claims.claim("prompt", List.of("login"));
			default -> (claims) -> {
			};
		};
		String object = broken.equals("typ at+jwt") ? signed(signing, change, new JOSEObjectType("at+jwt"))
				: signed(signing, change);
		String answer = TestBrowser
			.location(bob.get(issuer + "/oauth2/authorize?client_id=" + CLIENT + "&request=" + object));
		assertThat(answer).startsWith(TestBootstrap.REDIRECT_URI);
		assertThat(TestBrowser.queryParameters(answer)).containsEntry("error", "invalid_request_object")
			.doesNotContainKey("code");
	}

	/** RFC 9126 §3: a pushed request may be a request object; the same rules. */
	@Test
	void requestObjectWhenPushedThenCodeAndWhenBrokenThenInvalidRequestObject() throws Exception {
		PrivateKeyJWT authentication = new PrivateKeyJWT(new ClientID(CLIENT), URI.create(issuer), JWSAlgorithm.RS256,
				key.toPrivateKey(), key.getKeyID(), null);
		AuthorizationRequest byValue = new AuthorizationRequest.Builder(SignedJWT.parse(signed(key, (claims) -> {
		})), new ClientID(CLIENT)).build();
		PushedAuthorizationResponse pushed = PushedAuthorizationResponse
			.parse(new PushedAuthorizationRequest(URI.create(issuer + "/oauth2/par"), authentication, byValue)
				.toHTTPRequest()
				.send());
		assertThat(pushed.indicatesSuccess()).as(() -> pushed.toErrorResponse().getErrorObject().toString()).isTrue();
		String answer = TestBrowser.location(bob.get(issuer + "/oauth2/authorize?client_id=" + CLIENT + "&request_uri="
				+ URLEncoder.encode(pushed.toSuccessResponse().getRequestURI().toString(), StandardCharsets.UTF_8)));
		assertThat(TestBrowser.queryParameters(answer)).containsEntry("state", "from-the-object").containsKey("code");

		AuthorizationRequest expired = new AuthorizationRequest.Builder(
				SignedJWT.parse(signed(key, (claims) -> claims.expirationTime(in(-120)))), new ClientID(CLIENT))
			.build();
		PushedAuthorizationResponse refused = PushedAuthorizationResponse
			.parse(new PushedAuthorizationRequest(URI.create(issuer + "/oauth2/par"),
					new PrivateKeyJWT(new ClientID(CLIENT), URI.create(issuer), JWSAlgorithm.RS256, key.toPrivateKey(),
							key.getKeyID(), null),
					expired)
				.toHTTPRequest()
				.send());
		assertThat(refused.indicatesSuccess()).isFalse();
		assertThat(refused.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_request_object");
	}

	/** An object's prompt=login asks for one new sign-in, then the code comes. */
	@Test
	void requestObjectWhenPromptLoginThenSignInOnceThenCode() throws Exception {
		TestBrowser browser = new TestBrowser();
		assertThat(flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
		String object = signed(key, (claims) -> claims.claim("prompt", "login"));
		HttpResponse<String> start = browser
			.get(issuer + "/oauth2/authorize?client_id=" + CLIENT + "&request=" + object);
		assertThat(TestBrowser.location(start)).isEqualTo(flows.url("/login"));
		String resumed = TestBrowser.location(flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD));
		assertThat(resumed).contains("request=").doesNotContain("prompt").doesNotContain("state=");
		assertThat(TestBrowser.location(browser.get(resumed))).startsWith(TestBootstrap.REDIRECT_URI).contains("code=");
		// The same object again asks again: a sign-in meets one request.
		assertThat(TestBrowser
			.location(browser.get(issuer + "/oauth2/authorize?client_id=" + CLIENT + "&request=" + object)))
			.isEqualTo(flows.url("/login"));
	}

	/** Not signed in: the object's prompt=login is met by the one sign-in it leads to. */
	@Test
	void requestObjectWhenPromptLoginAndNotSignedInThenOneSignIn() throws Exception {
		TestBrowser browser = new TestBrowser();
		String object = signed(key, (claims) -> claims.claim("prompt", "login"));
		HttpResponse<String> start = browser
			.get(issuer + "/oauth2/authorize?client_id=" + CLIENT + "&request=" + object);
		assertThat(TestBrowser.location(start)).isEqualTo(flows.url("/login"));
		String resumed = TestBrowser.location(flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD));
		assertThat(TestBrowser.location(browser.get(resumed))).startsWith(TestBootstrap.REDIRECT_URI).contains("code=");
	}

	/** RFC 9126 §3: a pushed object is the authenticated client's own. */
	@Test
	void requestObjectWhenPushedByAnotherClientThenInvalidRequest() throws Exception {
		String object = signed(key, (claims) -> {
		});
		HttpResponse<String> answer = new TestBrowser().postForm(issuer + "/oauth2/par",
				Map.of("client_id", CLIENT, "request", object), "Authorization",
				TestBrowser.basic("web-app", TestBootstrap.WEB_APP_SECRET));
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
		assertThat(TestBrowser.json(answer)).containsEntry("error", "invalid_request");
	}

	private static String signed(RSAKey signing, Consumer<JWTClaimsSet.Builder> change) throws Exception {
		return signed(signing, change, new JOSEObjectType("oauth-authz-req+jwt"));
	}

	private static String signed(RSAKey signing, Consumer<JWTClaimsSet.Builder> change, JOSEObjectType type)
			throws Exception {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(CLIENT)
			.audience(issuer)
			.expirationTime(in(300))
			.claim("client_id", CLIENT)
			.claim("response_type", "code")
			.claim("redirect_uri", TestBootstrap.REDIRECT_URI)
			.claim("scope", "openid")
			.claim("state", "from-the-object")
			.claim("code_challenge", TestBrowser.Pkce.create().challenge())
			.claim("code_challenge_method", "S256");
		change.accept(claims);
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signing.getKeyID()).type(type).build(), claims.build());
		jwt.sign(new RSASSASigner(signing));
		return jwt.serialize();
	}

	private static Date in(long seconds) {
		return Date.from(Instant.now().plusSeconds(seconds));
	}

}
