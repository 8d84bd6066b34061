package dev.lanyard.server.dpop;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.PushedAuthorizationRequest;
import com.nimbusds.oauth2.sdk.PushedAuthorizationResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.dpop.DPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DPoP (RFC 9449; docs/SECURITY.md OA-60) over real HTTP, with nimbus's OAuth 2.0 SDK as
 * the client: its proofs, its token and user info requests. Two nodes share a deployment,
 * so a proof used at one node is refused at the other.
 */
class DPoPTest {

	private static final String PUSHING_CLIENT = "dpop-app";

	private static final String BOUND_SERVICE = "dpop-service";

	private static final String SERVICE_SECRET = "dpop-service-secret-at-least-32-characters";

	private static final String SPA_REDIRECT = "http://127.0.0.1:8765/callback";

	private static LanyardTestServer nodeA;

	private static LanyardTestServer nodeB;

	private static String issuer;

	private static RSAKey clientKey;

	/** The key the client binds its tokens to. */
	private static ECKey dpopKey;

	private static DPoPProofFactory proofs;

	/** Another key: the thief's. */
	private static DPoPProofFactory thiefProofs;

	/** A browser signed in as bob at node A. */
	private static TestBrowser bob;

	@BeforeAll
	static void setUp() throws Exception {
		LanyardTestServer[] nodes = LanyardTestServer.startTwoNodes(LanyardTestServer.newDeployment());
		nodeA = nodes[0];
		nodeB = nodes[1];
		issuer = nodeA.baseUrl();
		clientKey = new RSAKeyGenerator(2048).keyID("client-1").generate();
		dpopKey = new ECKeyGenerator(Curve.P_256).keyID("dpop-1").generate();
		proofs = new DefaultDPoPProofFactory(dpopKey, JWSAlgorithm.ES256);
		thiefProofs = new DefaultDPoPProofFactory(new ECKeyGenerator(Curve.P_256).generate(), JWSAlgorithm.ES256);
		ClientService clients = nodeA.bean(ClientService.class);
		clients.importClient(new ClientRegistration(PUSHING_CLIENT, "DPoP App", false, null, "private_key_jwt",
				new JWKSet(clientKey.toPublicJWK()).toString(), null, List.of(TestBootstrap.REDIRECT_URI), List.of(),
				Set.of("authorization_code", "refresh_token"), Set.of("openid", "profile"), null, false, null, null,
				null, List.of(), null, true, true, null, null, null));
		clients.importClient(new ClientRegistration(BOUND_SERVICE, null, false, SERVICE_SECRET, "client_secret_basic",
				null, null, List.of(), List.of(), Set.of("client_credentials"), Set.of("orders.read"), null, null, null,
				null, null, List.of(), null, null, true, null, null, null));
		bob = new TestBrowser();
		assertThat(new OAuthFlows(issuer).signIn(bob, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
	}

	@AfterAll
	static void tearDown() {
		LanyardTestServer.closeAll(nodeA, nodeB);
	}

	/**
	 * The whole client: PAR and private_key_jwt at node A, the code redeemed at node B
	 * with a proof, the token bound to the proof's key (token_type DPoP, cnf.jkt in
	 * introspection), user info with a fresh proof.
	 */
	@Test
	void dpopWhenCodeFlowWithParAndPrivateKeyJwtThenTokenBoundAndUserInfoNeedsTheKey() throws Exception {
		Tokens tokens = codeFlowTokens();
		assertThat(tokens.getAccessToken()).isInstanceOf(DPoPAccessToken.class);
		assertThat(tokens.getAccessToken().getType()).isEqualTo(AccessTokenType.DPOP);
		String thumbprint = dpopKey.computeThumbprint().toString();

		TokenIntrospectionResponse introspection = TokenIntrospectionResponse
			.parse(new TokenIntrospectionRequest(URI.create(nodeB.baseUrl() + "/oauth2/introspect"), assertion(nodeB),
					tokens.getAccessToken())
				.toHTTPRequest()
				.send());
		assertThat(introspection.indicatesSuccess()).isTrue();
		TokenIntrospectionSuccessResponse active = introspection.toSuccessResponse();
		assertThat(active.isActive()).isTrue();
		assertThat(active.getTokenType()).isEqualTo(AccessTokenType.DPOP);
		assertThat(active.getJWKThumbprintConfirmation().getValue().toString()).isEqualTo(thumbprint);

		HTTPResponse userInfo = userInfo(nodeA, tokens.getAccessToken(), proofs);
		assertThat(userInfo.getStatusCode()).as(userInfo.getBody()).isEqualTo(200);
		assertThat(userInfo.getBodyAsJSONObject()).containsKey("sub");
		// Both nodes answer for the issuer's URL; a proof used at one is refused at the
		// other.
		SignedJWT proof = proofs.createDPoPJWT("GET", URI.create(issuer + "/userinfo"), tokens.getAccessToken());
		assertThat(send(nodeB, "/userinfo", tokens.getAccessToken(), proof).getStatusCode()).isEqualTo(200);
		HTTPResponse replayed = send(nodeA, "/userinfo", tokens.getAccessToken(), proof);
		assertThat(replayed.getStatusCode()).isEqualTo(401);
		assertThat(replayed.getHeaderValue("WWW-Authenticate")).startsWith("DPoP").contains("invalid_dpop_proof");
	}

	/** RFC 9449 §7.1: a stolen DPoP-bound token is useless without the key. */
	@Test
	void dpopWhenTokenStolenThenRefusedAsBearerAndWithAnotherKeysProof() throws Exception {
		Tokens tokens = codeFlowTokens();
		// The same token value, sent as a bearer token.
		HTTPRequest asBearer = new UserInfoRequest(URI.create(nodeA.baseUrl() + "/userinfo"),
				new BearerAccessToken(tokens.getAccessToken().getValue()))
			.toHTTPRequest();
		HTTPResponse bearer = asBearer.send();
		assertThat(bearer.getStatusCode()).isEqualTo(401);
		assertThat(bearer.getHeaderValue("WWW-Authenticate")).contains("invalid_token");
		HTTPResponse thief = userInfo(nodeA, tokens.getAccessToken(), thiefProofs);
		assertThat(thief.getStatusCode()).isEqualTo(401);
		assertThat(thief.getHeaderValue("WWW-Authenticate")).startsWith("DPoP").contains("invalid_dpop_proof");
		// A proof for another URL, or without the token's hash, is no better.
		SignedJWT elsewhere = proofs.createDPoPJWT("GET", URI.create(issuer + "/somewhere-else"),
				tokens.getAccessToken());
		assertThat(send(nodeA, "/userinfo", tokens.getAccessToken(), elsewhere).getStatusCode()).isEqualTo(401);
		SignedJWT withoutAth = proofs.createDPoPJWT("GET", URI.create(issuer + "/userinfo"));
		assertThat(send(nodeA, "/userinfo", tokens.getAccessToken(), withoutAth).getStatusCode()).isEqualTo(401);
		// The rightful holder still gets in.
		assertThat(userInfo(nodeA, tokens.getAccessToken(), proofs).getStatusCode()).isEqualTo(200);
	}

	/** RFC 9449 §5.2: dpop_bound_access_tokens clients get no token without a proof. */
	@Test
	void dpopWhenClientRegisteredBoundAndNoProofThenInvalidDpopProof() throws Exception {
		ClientAuthentication basic = new ClientSecretBasic(new ClientID(BOUND_SERVICE), new Secret(SERVICE_SECRET));
		ErrorObject refused = tokenError(nodeA, basic, new ClientCredentialsGrant(), null);
		assertThat(refused.getCode()).isEqualTo("invalid_dpop_proof");
		assertThat(refused.getHTTPStatusCode()).isEqualTo(400);

		Tokens bound = tokens(nodeA, basic, new ClientCredentialsGrant(), proofs);
		assertThat(bound.getAccessToken().getType()).isEqualTo(AccessTokenType.DPOP);
		// A proof for another endpoint is refused; one used at node B is refused at node
		// A (both answer for the issuer's URL).
		ErrorObject elsewhere = tokenErrorWith(nodeA, basic, new ClientCredentialsGrant(),
				proofs.createDPoPJWT("POST", URI.create(issuer + "/oauth2/introspect")));
		assertThat(elsewhere.getCode()).isEqualTo("invalid_dpop_proof");
		SignedJWT proof = proofs.createDPoPJWT("POST", URI.create(issuer + "/oauth2/token"));
		assertThat(send(nodeB, basic, new ClientCredentialsGrant(), proof).indicatesSuccess()).isTrue();
		assertThat(tokenErrorWith(nodeA, basic, new ClientCredentialsGrant(), proof).getCode())
			.isEqualTo("invalid_dpop_proof");
	}

	/**
	 * RFC 9449 §5: a public client's refresh token is bound to its DPoP key: refused
	 * without a proof or with another key's, accepted with the same key.
	 */
	@Test
	void dpopWhenPublicClientRefreshesThenOnlyWithTheSameKey() throws Exception {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String answer = TestBrowser.location(bob.get(new OAuthFlows(issuer)
			.authorizeUrl(OAuthFlows.codeRequest("spa", SPA_REDIRECT, "openid", "spa-state", pkce))));
		String code = TestBrowser.queryParameters(answer).get("code");
		assertThat(code).as(answer).isNotNull();
		ClientAuthentication none = null;
		Tokens first = tokens(nodeA, none, new AuthorizationCodeGrant(new AuthorizationCode(code),
				URI.create(SPA_REDIRECT), new CodeVerifier(pkce.verifier())), proofs, new ClientID("spa"));
		assertThat(first.getAccessToken().getType()).isEqualTo(AccessTokenType.DPOP);
		RefreshToken refresh = first.getRefreshToken();
		assertThat(refresh).isNotNull();

		assertThat(tokenError(nodeB, none, new RefreshTokenGrant(refresh), null, new ClientID("spa")).getCode())
			.isEqualTo("invalid_dpop_proof");
		assertThat(tokenError(nodeB, none, new RefreshTokenGrant(refresh), thiefProofs, new ClientID("spa")).getCode())
			.isEqualTo("invalid_dpop_proof");
		Tokens refreshed = tokens(nodeB, none, new RefreshTokenGrant(refresh), proofs, new ClientID("spa"));
		assertThat(refreshed.getAccessToken().getType()).isEqualTo(AccessTokenType.DPOP);
	}

	/**
	 * A proof travels in the DPoP header only: named among the form's parameters (where
	 * the framework would check it against the method and URL it names itself) it is
	 * refused, and a malformed or doubled header is a clear error, never a 500.
	 */
	@Test
	void dpopWhenProofSentAsParametersOrMalformedThenClearErrorNot500() throws Exception {
		SignedJWT elsewhere = proofs.createDPoPJWT("GET", URI.create("https://rs.example/x"));
		Map<String, String> form = Map.of("grant_type", "client_credentials", "dpop_proof", elsewhere.serialize(),
				"dpop_method", "GET", "dpop_target_uri", "https://rs.example/x");
		String basic = TestBrowser.basic(BOUND_SERVICE, SERVICE_SECRET);
		HttpResponse<String> asParameters = new TestBrowser().postForm(nodeA.baseUrl() + "/oauth2/token", form,
				"Authorization", basic);
		assertThat(asParameters.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(asParameters)).containsEntry("error", "invalid_request");
		HttpResponse<String> withHeaderToo = new TestBrowser().postForm(nodeA.baseUrl() + "/oauth2/token",
				Map.of("grant_type", "client_credentials", "dpop_method", "POST"), "Authorization", basic, "DPoP",
				proofs.createDPoPJWT("POST", URI.create(issuer + "/oauth2/token")).serialize());
		assertThat(TestBrowser.json(withHeaderToo)).containsEntry("error", "invalid_request");
		for (String header : List.of("x", "a.b.c", "")) {
			HttpResponse<String> malformed = new TestBrowser().postForm(nodeA.baseUrl() + "/oauth2/token",
					Map.of("grant_type", "client_credentials"), "Authorization", basic, "DPoP", header);
			assertThat(malformed.statusCode()).as(header).isEqualTo(400);
			assertThat(TestBrowser.json(malformed).get("error")).as(header)
				.isIn("invalid_dpop_proof", "invalid_request");
		}
	}

	/**
	 * RFC 9449 §7.1 at the admin API: a bound token with its proof, never as a bearer.
	 */
	@Test
	void dpopWhenAdminApiCalledWithBoundTokenThenOnlyWithItsProof() throws Exception {
		ClientAuthentication automation = new ClientSecretBasic(new ClientID("automation"),
				new Secret(TestBootstrap.AUTOMATION_SECRET));
		URI tokenEndpoint = URI.create(nodeA.baseUrl() + "/oauth2/token");
		HTTPRequest request = new TokenRequest.Builder(tokenEndpoint, automation, new ClientCredentialsGrant())
			.scope(new Scope("admin"))
			.build()
			.toHTTPRequest();
		request.setDPoP(proofs.createDPoPJWT("POST", URI.create(issuer + "/oauth2/token")));
		com.nimbusds.oauth2.sdk.token.AccessToken token = TokenResponse.parse(request.send())
			.toSuccessResponse()
			.getTokens()
			.getAccessToken();
		assertThat(token.getType()).isEqualTo(AccessTokenType.DPOP);
		URI users = URI.create(issuer + "/api/admin/users");
		HttpResponse<String> withProof = new TestBrowser().get(nodeB.baseUrl() + "/api/admin/users", "Authorization",
				"DPoP " + token.getValue(), "DPoP", proofs.createDPoPJWT("GET", users, token).serialize());
		assertThat(withProof.statusCode()).as(withProof.body()).isEqualTo(200);
		HttpResponse<String> asBearer = new TestBrowser().get(nodeB.baseUrl() + "/api/admin/users", "Authorization",
				"Bearer " + token.getValue());
		assertThat(asBearer.statusCode()).isEqualTo(401);
		HttpResponse<String> thief = new TestBrowser().get(nodeB.baseUrl() + "/api/admin/users", "Authorization",
				"DPoP " + token.getValue(), "DPoP", thiefProofs.createDPoPJWT("GET", users, token).serialize());
		assertThat(thief.statusCode()).isEqualTo(401);
	}

	/** The internal JWT a gateway exchanges the token for carries the same cnf. */
	@Test
	void dpopWhenGatewayExchangesBoundTokenThenInternalJwtCarriesCnf() throws Exception {
		Tokens tokens = codeFlowTokens();
		HttpResponse<String> exchanged = new TestBrowser().postForm(nodeB.baseUrl() + "/oauth2/token",
				Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token",
						tokens.getAccessToken().getValue(), "subject_token_type",
						"urn:ietf:params:oauth:token-type:access_token", "audience", "internal"),
				"Authorization", TestBrowser.basic("gateway", TestBootstrap.GATEWAY_SECRET));
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
		Map<String, Object> claims = TestBrowser.jwtClaims((String) TestBrowser.json(exchanged).get("access_token"));
		assertThat(claims.get("cnf")).isEqualTo(Map.of("jkt", dpopKey.computeThumbprint().toString()));
	}

	private static Tokens codeFlowTokens() throws Exception {
		CodeVerifier verifier = new CodeVerifier();
		HTTPResponse pushedResponse = new PushedAuthorizationRequest(URI.create(nodeA.baseUrl() + "/oauth2/par"),
				assertion(nodeA),
				new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid", "profile"),
						new ClientID(PUSHING_CLIENT), URI.create(TestBootstrap.REDIRECT_URI))
					.state(new State())
					.nonce(new Nonce())
					.codeChallenge(verifier, CodeChallengeMethod.S256)
					.build())
			.toHTTPRequest()
			.send();
		PushedAuthorizationResponse pushed = PushedAuthorizationResponse.parse(pushedResponse);
		assertThat(pushed.indicatesSuccess()).as(pushedResponse.getBody()).isTrue();
		String answer = TestBrowser.location(bob.get(nodeA.baseUrl() + "/oauth2/authorize?client_id=" + PUSHING_CLIENT
				+ "&request_uri=" + java.net.URLEncoder.encode(pushed.toSuccessResponse().getRequestURI().toString(),
						java.nio.charset.StandardCharsets.UTF_8)));
		String code = TestBrowser.queryParameters(answer).get("code");
		assertThat(code).as(answer).isNotNull();
		return tokens(nodeB, assertion(nodeB), new AuthorizationCodeGrant(new AuthorizationCode(code),
				URI.create(TestBootstrap.REDIRECT_URI), verifier), proofs);
	}

	private static PrivateKeyJWT assertion(LanyardTestServer node) throws Exception {
		return new PrivateKeyJWT(new ClientID(PUSHING_CLIENT), URI.create(issuer), JWSAlgorithm.RS256,
				clientKey.toPrivateKey(), clientKey.getKeyID(), null);
	}

	private static Tokens tokens(LanyardTestServer node, ClientAuthentication authentication, AuthorizationGrant grant,
			DPoPProofFactory proofFactory) throws Exception {
		return tokens(node, authentication, grant, proofFactory, null);
	}

	private static Tokens tokens(LanyardTestServer node, ClientAuthentication authentication, AuthorizationGrant grant,
			DPoPProofFactory proofFactory, ClientID publicClient) throws Exception {
		TokenResponse response = TokenResponse
			.parse(request(node, authentication, grant, proofFactory, publicClient).send());
		assertThat(response.indicatesSuccess()).as(() -> response.toErrorResponse().getErrorObject().toString())
			.isTrue();
		return response.toSuccessResponse().getTokens();
	}

	private static ErrorObject tokenError(LanyardTestServer node, ClientAuthentication authentication,
			AuthorizationGrant grant, DPoPProofFactory proofFactory) throws Exception {
		return tokenError(node, authentication, grant, proofFactory, null);
	}

	private static ErrorObject tokenError(LanyardTestServer node, ClientAuthentication authentication,
			AuthorizationGrant grant, DPoPProofFactory proofFactory, ClientID publicClient) throws Exception {
		TokenResponse response = TokenResponse
			.parse(request(node, authentication, grant, proofFactory, publicClient).send());
		assertThat(response.indicatesSuccess()).isFalse();
		return response.toErrorResponse().getErrorObject();
	}

	private static ErrorObject tokenErrorWith(LanyardTestServer node, ClientAuthentication authentication,
			AuthorizationGrant grant, SignedJWT proof) throws Exception {
		TokenResponse response = TokenResponse.parse(requestWithProof(node, authentication, grant, proof));
		assertThat(response.indicatesSuccess()).isFalse();
		return response.toErrorResponse().getErrorObject();
	}

	private static TokenResponse send(LanyardTestServer node, ClientAuthentication authentication,
			AuthorizationGrant grant, SignedJWT proof) throws Exception {
		return TokenResponse.parse(requestWithProof(node, authentication, grant, proof));
	}

	private static HTTPResponse requestWithProof(LanyardTestServer node, ClientAuthentication authentication,
			AuthorizationGrant grant, SignedJWT proof) throws Exception {
		HTTPRequest request = new TokenRequest.Builder(URI.create(node.baseUrl() + "/oauth2/token"), authentication,
				grant)
			.build()
			.toHTTPRequest();
		request.setDPoP(proof);
		return request.send();
	}

	private static HTTPRequest request(LanyardTestServer node, ClientAuthentication authentication,
			AuthorizationGrant grant, DPoPProofFactory proofFactory, ClientID publicClient) throws Exception {
		URI endpoint = URI.create(node.baseUrl() + "/oauth2/token");
		TokenRequest request = (authentication != null)
				? new TokenRequest.Builder(endpoint, authentication, grant).build()
				: new TokenRequest.Builder(endpoint, publicClient, grant).build();
		HTTPRequest http = request.toHTTPRequest();
		if (proofFactory != null) {
			// Every node answers for the issuer's URL (IssuerOriginFilter).
			http.setDPoP(proofFactory.createDPoPJWT("POST", URI.create(issuer + "/oauth2/token")));
		}
		return http;
	}

	private static HTTPResponse userInfo(LanyardTestServer node, com.nimbusds.oauth2.sdk.token.AccessToken accessToken,
			DPoPProofFactory proofFactory) throws Exception {
		URI endpoint = URI.create(issuer + "/userinfo");
		return send(node, "/userinfo", accessToken, proofFactory.createDPoPJWT("GET", endpoint, accessToken));
	}

	private static HTTPResponse send(LanyardTestServer node, String path,
			com.nimbusds.oauth2.sdk.token.AccessToken accessToken, SignedJWT proof) throws Exception {
		HTTPRequest request = new UserInfoRequest(URI.create(node.baseUrl() + path),
				new DPoPAccessToken(accessToken.getValue()))
			.toHTTPRequest();
		request.setDPoP(proof);
		return request.send();
	}

}
