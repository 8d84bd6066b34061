package dev.lanyard.server.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.sun.net.httpserver.HttpServer;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.TricklingAnswer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code private_key_jwt} client authentication (RFC 7523 §2.2 and §3, OpenID Connect
 * Core §9; docs/SECURITY.md OA-54) over real HTTP, with nimbus's OAuth 2.0 SDK as the
 * relying party, and the one registered method per client (RFC 7591 §2). Two nodes share
 * one database: an assertion used at one is refused at the other.
 */
class PrivateKeyJwtTest {

	private static final String ISSUER = "https://login.lanyard.test";

	private static final String SECRET = "secret-post-client-secret-at-least-32-chars";

	private static LanyardTestServer nodeA;

	private static LanyardTestServer nodeB;

	private static HttpServer keyHost;

	/** What the key host serves at /jwks. */
	private static volatile String published;

	private static RSAKey inlineKey;

	private static ECKey publishedKey;

	private final TestBrowser http = new TestBrowser();

	@BeforeAll
	static void setUp() throws Exception {
		inlineKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
		publishedKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
		published = new JWKSet(publishedKey.toPublicJWK()).toString();
		keyHost = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		keyHost.createContext("/jwks", (exchange) -> {
			byte[] body = published.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		// A host that answers, then sends its body a byte a second.
		keyHost.createContext("/trickle", new TricklingAnswer("application/jwk-set+json"));
		keyHost.createContext("/moved", (exchange) -> {
			exchange.getResponseHeaders().add("Location", "/jwks");
			exchange.sendResponseHeaders(302, -1);
			exchange.close();
		});
		keyHost.createContext("/huge", (exchange) -> {
			byte[] body = (published.substring(0, published.length() - 1) + ",\"pad\":\"" + "x".repeat(70_000) + "\"}")
				.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
			catch (IOException ex) {
				// Cut off past the limit.
			}
		});
		keyHost.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
		keyHost.start();
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.issuer", ISSUER);
		deployment.put("logging.level.dev.lanyard.server.protocol", "DEBUG");
		nodeA = LanyardTestServer.start(deployment);
		nodeB = LanyardTestServer.start(deployment);
		ClientService clients = nodeA.bean(ClientService.class);
		clients.importClient(registration("signed-inline", "private_key_jwt", null,
				new JWKSet(inlineKey.toPublicJWK()).toString(), null));
		clients.importClient(registration("signed-by-url", "private_key_jwt", null, null,
				"http://127.0.0.1:" + keyHost.getAddress().getPort() + "/jwks"));
		clients.importClient(registration("secret-post", "client_secret_post", SECRET, null, null));
	}

	@AfterAll
	static void tearDown() {
		if (nodeB != null) {
			nodeB.close();
		}
		if (nodeA != null) {
			nodeA.close();
		}
		if (keyHost != null) {
			keyHost.stop(0);
		}
	}

	private static ClientRegistration registration(String clientId, String method, String secret, String jwks,
			String jwksUri) {
		return new ClientRegistration(clientId, null, false, secret, method, jwks, jwksUri, List.of(), List.of(),
				Set.of("client_credentials"), Set.of("orders.read"), null, null, null, null, null, List.of(), null,
				null, null, null, null, null);
	}

	@Test
	void privateKeyJwtWhenRelyingPartyLibrarySignsThenTokenIntrospectionAndRevocationAccepted() throws Exception {
		ClientID client = new ClientID("signed-inline");
		AccessToken token = accessToken(nodeA, new PrivateKeyJWT(client, URI.create(ISSUER), JWSAlgorithm.RS256,
				inlineKey.toPrivateKey(), inlineKey.getKeyID(), null));

		// The issuer identifier is the audience (RFC 7523 §3), at every endpoint.
		TokenIntrospectionResponse introspection = TokenIntrospectionResponse.parse(
				new TokenIntrospectionRequest(endpoint(nodeA.baseUrl(), "/oauth2/introspect"), new PrivateKeyJWT(client,
						URI.create(ISSUER), JWSAlgorithm.PS256, inlineKey.toPrivateKey(), inlineKey.getKeyID(), null),
						token)
					.toHTTPRequest()
					.send());
		assertThat(introspection.indicatesSuccess()).isTrue();
		assertThat(introspection.toSuccessResponse().isActive()).isTrue();
		assertThat(introspection.toSuccessResponse().getClientID()).isEqualTo(client);

		HTTPResponse revoked = new TokenRevocationRequest(endpoint(nodeB.baseUrl(), "/oauth2/revoke"),
				new PrivateKeyJWT(client, URI.create(ISSUER), JWSAlgorithm.RS256, inlineKey.toPrivateKey(),
						inlineKey.getKeyID(), null),
				token)
			.toHTTPRequest()
			.send();
		assertThat(revoked.getStatusCode()).isEqualTo(200);
		TokenIntrospectionResponse after = TokenIntrospectionResponse.parse(
				new TokenIntrospectionRequest(endpoint(nodeA.baseUrl(), "/oauth2/introspect"), new PrivateKeyJWT(client,
						URI.create(ISSUER), JWSAlgorithm.RS256, inlineKey.toPrivateKey(), inlineKey.getKeyID(), null),
						token)
					.toHTTPRequest()
					.send());
		assertThat(after.toSuccessResponse().isActive()).isFalse();
	}

	@Test
	void privateKeyJwtWhenAssertionReplayedThenRefusedAtThisNodeAndTheOther() throws Exception {
		PrivateKeyJWT once = new PrivateKeyJWT(new ClientID("signed-inline"), URI.create(ISSUER), JWSAlgorithm.RS256,
				inlineKey.toPrivateKey(), inlineKey.getKeyID(), null);
		accessToken(nodeA, once);
		assertThat(tokenError(nodeA, once).getHTTPStatusCode()).isEqualTo(401);
		ErrorObject atOtherNode = tokenError(nodeB, once);
		assertThat(atOtherNode.getHTTPStatusCode()).isEqualTo(401);
		assertThat(atOtherNode.getCode()).isEqualTo("invalid_client");
	}

	@Test
	void privateKeyJwtWhenKeysPublishedAtUrlThenEcAssertionAcceptedAndANewKeyFoundAtOnce() throws Exception {
		ClientID client = new ClientID("signed-by-url");
		accessToken(nodeA, new PrivateKeyJWT(client, URI.create(ISSUER), JWSAlgorithm.ES256,
				publishedKey.toPrivateKey(), publishedKey.getKeyID(), null));

		// The client rolls its key: the unknown kid makes Lanyard fetch the set again.
		ECKey rolled = new ECKeyGenerator(Curve.P_256).keyID("ec-2").generate();
		published = new JWKSet(List.of(publishedKey.toPublicJWK(), rolled.toPublicJWK())).toString();
		accessToken(nodeB, new PrivateKeyJWT(client, URI.create(ISSUER), JWSAlgorithm.ES256, rolled.toPrivateKey(),
				rolled.getKeyID(), null));
		accessToken(nodeA, new PrivateKeyJWT(client, URI.create(ISSUER), JWSAlgorithm.ES256, rolled.toPrivateKey(),
				rolled.getKeyID(), null));
	}

	/**
	 * OA-54: a jwks_uri is fetched within 2 s for the whole answer, 64 KiB at most, the
	 * registered URL only: a host that sends its keys a byte a second, one that
	 * redirects, one that sends more, each make the assertion fail at once (a trickling
	 * host held the request thread for as long as it liked: each read had its timeout,
	 * the whole none).
	 */
	@Test
	void privateKeyJwtWhenJwksUriTricklesRedirectsOrIsTooLargeThenRefusedWithinTheDeadline() throws Exception {
		ClientService clients = nodeA.bean(ClientService.class);
		for (String path : List.of("/trickle", "/moved", "/huge")) {
			String clientId = "keys-at" + path.replace('/', '-') + "-" + UUID.randomUUID().toString().substring(0, 8);
			clients.importClient(registration(clientId, "private_key_jwt", null, null,
					"http://127.0.0.1:" + keyHost.getAddress().getPort() + path));
			long started = System.nanoTime();
			ErrorObject refused = tokenError(nodeA, new PrivateKeyJWT(new ClientID(clientId), URI.create(ISSUER),
					JWSAlgorithm.ES256, publishedKey.toPrivateKey(), publishedKey.getKeyID(), null));
			assertThat(refused.getCode()).as(path).isEqualTo("invalid_client");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as(path).isLessThan(Duration.ofSeconds(6));
		}
	}

	/** A key published at a jwks_uri meets the registration rules too (OA-54). */
	@Test
	void privateKeyJwtWhenJwksUriPublishesAWeakKeyThenItIsNotUsed() throws Exception {
		RSAKey weak = new RSAKeyGenerator(1024, true).keyID("weak").generate();
		published = new JWKSet(List.of(publishedKey.toPublicJWK(), weak.toPublicJWK())).toString();
		try {
			ClientService clients = nodeA.bean(ClientService.class);
			String clientId = "weak-keys-" + UUID.randomUUID().toString().substring(0, 8);
			clients.importClient(registration(clientId, "private_key_jwt", null, null,
					"http://127.0.0.1:" + keyHost.getAddress().getPort() + "/jwks"));
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("weak").build(),
					claims(clientId).build());
			jwt.sign(new RSASSASigner(weak.toPrivateKey(), true));
			HttpResponse<String> response = this.http.postForm(nodeA.baseUrl() + "/oauth2/token",
					Map.of("grant_type", "client_credentials", "client_assertion_type",
							"urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion",
							jwt.serialize()));
			assertThat(response.statusCode()).isEqualTo(401);
			// The same client's acceptable key still works.
			accessToken(nodeA, new PrivateKeyJWT(new ClientID(clientId), URI.create(ISSUER), JWSAlgorithm.ES256,
					publishedKey.toPrivateKey(), publishedKey.getKeyID(), null));
		}
		finally {
			published = new JWKSet(publishedKey.toPublicJWK()).toString();
		}
	}

	/**
	 * A key the client withdraws at its jwks_uri (a leaked one) stops on every node
	 * within a second of its registration being saved, even unchanged; until then the
	 * fetched set is used (a minute at most), and the key it keeps goes on. The fetched
	 * set used to be kept five minutes whatever the administrator did, short of disabling
	 * the client.
	 */
	@Test
	void privateKeyJwtWhenKeyWithdrawnAtUrlThenRefusedOnEveryNodeOnceTheRegistrationIsSaved() throws Exception {
		ECKey leaked = new ECKeyGenerator(Curve.P_256).keyID("leaked").generate();
		ECKey kept = new ECKeyGenerator(Curve.P_256).keyID("kept").generate();
		java.util.concurrent.atomic.AtomicReference<String> keys = new java.util.concurrent.atomic.AtomicReference<>(
				new JWKSet(List.of(leaked.toPublicJWK(), kept.toPublicJWK())).toString());
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		keyHost.createContext("/withdrawing-" + suffix, (exchange) -> {
			byte[] body = keys.get().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/jwk-set+json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		String clientId = "withdrawing-" + suffix;
		ClientRegistration registration = registration(clientId, "private_key_jwt", null, null,
				"http://127.0.0.1:" + keyHost.getAddress().getPort() + "/withdrawing-" + suffix);
		ClientService clients = nodeA.bean(ClientService.class);
		clients.importClient(registration);
		for (LanyardTestServer node : List.of(nodeA, nodeB)) {
			accessToken(node, ecAssertion(clientId, leaked));
		}

		keys.set(new JWKSet(kept.toPublicJWK()).toString());
		accessToken(nodeB, ecAssertion(clientId, leaked));
		clients.update(clientId, registration);
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			for (LanyardTestServer node : List.of(nodeA, nodeB)) {
				assertThat(tokenError(node, ecAssertion(clientId, leaked)).getCode()).isEqualTo("invalid_client");
			}
		});
		for (LanyardTestServer node : List.of(nodeA, nodeB)) {
			accessToken(node, ecAssertion(clientId, kept));
		}
	}

	/**
	 * Clients with keys at a URL share this node's threads: each one's key source used to
	 * make an HTTP client of its own, with a thread kept as long as the source (an hour),
	 * so whoever registers clients (dynamic registration) added a thread per client.
	 */
	@Test
	void privateKeyJwtWhenManyClientsPublishKeysAtUrlsThenNoThreadPerClient() throws Exception {
		ClientService clients = nodeA.bean(ClientService.class);
		List<String> clientIds = new java.util.ArrayList<>();
		for (int i = 0; i < 6; i++) {
			String clientId = "threads-" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
			clients.importClient(registration(clientId, "private_key_jwt", null, null,
					"http://127.0.0.1:" + keyHost.getAddress().getPort() + "/jwks"));
			clientIds.add(clientId);
		}
		long before = httpClientThreads();
		for (String clientId : clientIds) {
			accessToken(nodeA, ecAssertion(clientId, publishedKey));
		}
		assertThat(httpClientThreads() - before).as("HTTP client threads made for six clients' keys")
			.isLessThanOrEqualTo(1);
	}

	private static long httpClientThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().matches("HttpClient-\\d+-SelectorManager"))
			.count();
	}

	private static PrivateKeyJWT ecAssertion(String clientId, ECKey key) throws JOSEException {
		return new PrivateKeyJWT(new ClientID(clientId), URI.create(ISSUER), JWSAlgorithm.ES256, key.toPrivateKey(),
				key.getKeyID(), null);
	}

	@Test
	void privateKeyJwtWhenRegisteredKeysChangeThenOldKeyRefusedAtOnce() throws Exception {
		RSAKey first = new RSAKeyGenerator(2048).keyID("first").generate();
		RSAKey second = new RSAKeyGenerator(2048).keyID("second").generate();
		ClientService clients = nodeA.bean(ClientService.class);
		String clientId = "changing-keys-" + UUID.randomUUID().toString().substring(0, 8);
		clients.importClient(
				registration(clientId, "private_key_jwt", null, new JWKSet(first.toPublicJWK()).toString(), null));
		accessToken(nodeA, assertion(clientId, first));

		clients.update(clientId,
				registration(clientId, "private_key_jwt", null, new JWKSet(second.toPublicJWK()).toString(), null));
		assertThat(tokenError(nodeA, assertion(clientId, first)).getCode()).isEqualTo("invalid_client");
		accessToken(nodeA, assertion(clientId, second));
	}

	/**
	 * The hand-made assertion the next test breaks rule by rule, unbroken: accepted, sent
	 * without client_id. Without it every refusal below could have another cause.
	 */
	@Test
	void privateKeyJwtWhenHandMadeAssertionKeepsEveryRuleThenAccepted() throws Exception {
		HttpResponse<String> response = this.http.postForm(nodeA.baseUrl() + "/oauth2/token",
				Map.of("grant_type", "client_credentials", "client_assertion_type",
						"urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion",
						signed(inlineKey, (claims) -> {
						}, null)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(TestBrowser.json(response)).containsKey("access_token");
	}

	/**
	 * Assertions that break one rule each, made by hand (the relying-party library would
	 * not make them), sent without {@code client_id}: each gets {@code invalid_client}.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "another key", "another audience", "the token endpoint as audience",
			"the issuer among other audiences", "exp an hour ahead", "expired", "no exp", "no jti", "jti with a NUL",
			"iss another client", "nbf ahead", "typ at+jwt", "alg none", "HS256", "no sub", "encrypted" })
	void privateKeyJwtWhenAssertionBreaksARuleThenInvalidClient(String broken) throws Exception {
		String assertion = switch (broken) {
			case "another key" -> signed(new RSAKeyGenerator(2048).keyID(inlineKey.getKeyID()).generate(), (claims) -> {
			}, null);
			case "another audience" -> signed(inlineKey, (claims) -> claims.audience("https://other.example"), null);
			// The audience-injection attack: an assertion a hostile server received
			// for "its" token endpoint, or naming several servers.
			case "the token endpoint as audience" ->
				signed(inlineKey, (claims) -> claims.audience(ISSUER + "/oauth2/token"), null);
			case "the issuer among other audiences" ->
				signed(inlineKey, (claims) -> claims.audience(List.of("https://as.attacker.example", ISSUER)), null);
			case "jti with a NUL" -> signed(inlineKey, (claims) -> claims.jwtID("a\u0000b"), null);
			case "encrypted" -> "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..AAAA.AAAA.AAAA";
			case "exp an hour ahead" -> signed(inlineKey, (claims) -> claims.expirationTime(in(3600)), null);
			case "expired" -> signed(inlineKey, (claims) -> claims.expirationTime(in(-120)), null);
			case "no exp" -> signed(inlineKey, (claims) -> claims.expirationTime(null), null);
			case "no jti" -> signed(inlineKey, (claims) -> claims.jwtID(null), null);
			case "iss another client" -> signed(inlineKey, (claims) -> claims.issuer("secret-post"), null);
			case "nbf ahead" -> signed(inlineKey, (claims) -> claims.notBeforeTime(in(300)), null);
			case "typ at+jwt" -> signed(inlineKey, (claims) -> {
			}, new JOSEObjectType("at+jwt"));
			case "alg none" -> new PlainJWT(claims("signed-inline").build()).serialize();
			case "HS256" -> {
				SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims("signed-inline").build());
				jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
				yield jwt.serialize();
			}
			case "no sub" -> signed(inlineKey, (claims) -> claims.subject(null), null);
			default -> throw new IllegalArgumentException(broken);
		};
		HttpResponse<String> response = this.http.postForm(nodeA.baseUrl() + "/oauth2/token",
				Map.of("grant_type", "client_credentials", "client_assertion_type",
						"urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", assertion));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
		assertThat(TestBrowser.json(response)).isEqualTo(Map.of("error", "invalid_client"));
	}

	@Test
	void tokenEndpointAuthMethodWhenClientAuthenticatesAnotherWayThenInvalidClient() throws Exception {
		// client_secret_post: the secret in the form, never in a Basic header.
		Map<String, String> form = new LinkedHashMap<>(Map.of("grant_type", "client_credentials"));
		form.put("client_id", "secret-post");
		form.put("client_secret", SECRET);
		assertThat(this.http.postForm(nodeA.baseUrl() + "/oauth2/token", form).statusCode()).isEqualTo(200);
		assertThat(this.http
			.postForm(nodeA.baseUrl() + "/oauth2/token", Map.of("grant_type", "client_credentials"), "Authorization",
					TestBrowser.basic("secret-post", SECRET))
			.statusCode()).isEqualTo(401);
		// client_secret_basic (the bootstrap file's service): never in the form.
		assertThat(this.http
			.postForm(nodeA.baseUrl() + "/oauth2/token", Map.of("grant_type", "client_credentials", "client_id",
					"service", "client_secret", LanyardTestServer.TestBootstrap.SERVICE_SECRET))
			.statusCode()).isEqualTo(401);
		// A client with a secret cannot switch to assertions, with client_id or without.
		String forSecretClient = signed(inlineKey, (claims) -> claims.issuer("secret-post").subject("secret-post"),
				null);
		assertThat(this.http.postForm(nodeA.baseUrl() + "/oauth2/token",
				Map.of("grant_type", "client_credentials", "client_id", "secret-post", "client_assertion_type",
						"urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", forSecretClient))
			.statusCode()).isEqualTo(401);
		// An assertion naming another client than client_id says.
		assertThat(this.http.postForm(nodeA.baseUrl() + "/oauth2/token",
				Map.of("grant_type", "client_credentials", "client_id", "secret-post", "client_assertion_type",
						"urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion",
						signed(inlineKey, (claims) -> {
						}, null)))
			.statusCode()).isEqualTo(401);
	}

	private static AccessToken accessToken(LanyardTestServer node, ClientAuthentication authentication)
			throws IOException, ParseException {
		TokenResponse response = TokenResponse.parse(new TokenRequest(endpoint(node.baseUrl(), "/oauth2/token"),
				authentication, new ClientCredentialsGrant(), new Scope("orders.read"))
			.toHTTPRequest()
			.send());
		assertThat(response.indicatesSuccess())
			.as(() -> response.toErrorResponse().getErrorObject().toJSONObject().toString())
			.isTrue();
		return ((AccessTokenResponse) response).getTokens().getAccessToken();
	}

	private static ErrorObject tokenError(LanyardTestServer node, ClientAuthentication authentication)
			throws IOException, ParseException {
		TokenResponse response = TokenResponse.parse(new TokenRequest(endpoint(node.baseUrl(), "/oauth2/token"),
				authentication, new ClientCredentialsGrant(), new Scope("orders.read"))
			.toHTTPRequest()
			.send());
		assertThat(response.indicatesSuccess()).isFalse();
		return ((TokenErrorResponse) response).getErrorObject();
	}

	private static PrivateKeyJWT assertion(String clientId, RSAKey key) throws JOSEException {
		return new PrivateKeyJWT(new ClientID(clientId), URI.create(ISSUER), JWSAlgorithm.RS256, key.toPrivateKey(),
				key.getKeyID(), null);
	}

	private static JWTClaimsSet.Builder claims(String clientId) {
		return new JWTClaimsSet.Builder().issuer(clientId)
			.subject(clientId)
			.audience(ISSUER)
			.issueTime(in(0))
			.expirationTime(in(60))
			.jwtID(UUID.randomUUID().toString());
	}

	private static String signed(Object key, Consumer<JWTClaimsSet.Builder> change, JOSEObjectType type)
			throws JOSEException {
		JWTClaimsSet.Builder claims = claims("signed-inline");
		change.accept(claims);
		if (key instanceof RSAKey rsa) {
			SignedJWT jwt = new SignedJWT(
					new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).type(type).build(), claims.build());
			jwt.sign(new RSASSASigner(rsa));
			return jwt.serialize();
		}
		ECKey ec = (ECKey) key;
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).type(type).build(),
				claims.build());
		jwt.sign(new ECDSASigner(ec));
		return jwt.serialize();
	}

	private static Date in(long seconds) {
		return Date.from(Instant.now().plusSeconds(seconds));
	}

	private static URI endpoint(String base, String path) {
		return URI.create(base + path);
	}

}
