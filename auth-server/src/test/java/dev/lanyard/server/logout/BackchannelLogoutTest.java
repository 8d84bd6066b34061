package dev.lanyard.server.logout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.sun.net.httpserver.HttpServer;
import dev.lanyard.admin.Actor;
import dev.lanyard.jwt.JwtVerificationException;
import dev.lanyard.jwt.LogoutTokenVerifier;
import dev.lanyard.jwt.LogoutTokenVerifier.LogoutToken;
import dev.lanyard.admin.user.UserAdministration;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenID Connect Back-Channel Logout 1.0 (docs/SECURITY.md OA-56) over real HTTP: a small
 * relying party receives the logout token Lanyard posts when a session it got tokens in
 * ends — by signing out, an administrator's revocation, the account disabled, the
 * password changed — and checks it with the client library's {@link LogoutTokenVerifier}
 * (signature against Lanyard's JWKS, {@code typ}, {@code iss}, {@code aud},
 * {@code events}, no {@code nonce}, each {@code jti} once) and against the {@code sid} of
 * its ID token. Three nodes share one database: a delivery the first node could not make
 * is made by another after it stopped.
 */
class BackchannelLogoutTest {

	private static final String PASSWORD = "quiet-harbor-lantern-91";

	private static LanyardTestServer nodeA;

	private static LanyardTestServer nodeB;

	private static HttpServer relyingParty;

	/** Logout tokens the relying party received, in order. */
	private static final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	/** What the relying party answers. */
	private static final AtomicInteger status = new AtomicInteger(200);

	private static Map<String, String> deployment;

	private static String adminToken;

	/** One verifier per client, kept: each jti passes once. */
	private static final Map<String, LogoutTokenVerifier> logouts = new java.util.concurrent.ConcurrentHashMap<>();

	private final TestBrowser http = new TestBrowser();

	@BeforeAll
	static void setUp() throws IOException {
		relyingParty = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		relyingParty.createContext("/backchannel", (exchange) -> {
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			for (String pair : body.split("&")) {
				String[] parts = pair.split("=", 2);
				if (parts[0].equals("logout_token") && parts.length == 2) {
					received.add(URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
				}
			}
			exchange.sendResponseHeaders(status.get(), -1);
			exchange.close();
		});
		relyingParty.start();
		deployment = LanyardTestServer.newDeployment();
		nodeA = LanyardTestServer.start(deployment);
		// One issuer for the deployment, whichever node signs.
		deployment.put("lanyard.issuer", nodeA.baseUrl());
		nodeB = LanyardTestServer.start(deployment);
		ClientService clients = nodeA.bean(ClientService.class);
		clients.importClient(
				client("bcl-app", "http://127.0.0.1:" + relyingParty.getAddress().getPort() + "/backchannel"));
		clients.importClient(client("quiet-app", null));
		// Access tokens of one second, no refresh token.
		clients.importClient(new ClientRegistration("short-bcl-app", null, false, TestBootstrap.WEB_APP_SECRET, null,
				null, null, List.of(TestBootstrap.REDIRECT_URI), List.of(), Set.of("authorization_code"),
				Set.of("openid"), null, null, Duration.ofSeconds(1), null, null, List.of(), null, null, null,
				"http://127.0.0.1:" + relyingParty.getAddress().getPort() + "/backchannel", false, null));
		adminToken = (String) TestBrowser
			.json(new OAuthFlows(nodeA.baseUrl()).token(new TestBrowser(), "automation",
					TestBootstrap.AUTOMATION_SECRET, Map.of("grant_type", "client_credentials", "scope", "admin")))
			.get("access_token");
	}

	@AfterAll
	static void tearDown() {
		if (nodeB != null) {
			nodeB.close();
		}
		if (nodeA != null) {
			nodeA.close();
		}
		if (relyingParty != null) {
			relyingParty.stop(0);
		}
	}

	@BeforeEach
	void relyingPartyAnswersOk() {
		status.set(200);
		received.clear();
	}

	private static ClientRegistration client(String clientId, String backchannelLogoutUri) {
		return new ClientRegistration(clientId, null, false, TestBootstrap.WEB_APP_SECRET, null, null, null,
				List.of(TestBootstrap.REDIRECT_URI), List.of(), Set.of("authorization_code", "refresh_token"),
				Set.of("openid"), null, null, null, null, null, List.of(), null, null, null, backchannelLogoutUri,
				backchannelLogoutUri != null, null);
	}

	@Test
	void backchannelLogoutWhenPersonSignsOutThenEachClientOfTheSessionGetsOneVerifiedToken() throws Exception {
		UserAccount user = newUser();
		TestBrowser browser = signedIn(nodeA, user);
		Map<String, Object> tokens = tokens(nodeA, browser, "bcl-app");
		tokens(nodeA, browser, "quiet-app");
		String sid = (String) TestBrowser.jwtClaims((String) tokens.get("id_token")).get("sid");

		OAuthFlows flows = new OAuthFlows(nodeA.baseUrl());
		HttpResponse<String> confirm = browser.get(flows.url("/logout"));
		HttpResponse<String> done = browser.postForm(flows.url("/logout"), TestBrowser.logoutForm(confirm.body()));
		assertThat(done.statusCode()).isIn(302, 303);

		LogoutToken logout = verified(received.poll(10, TimeUnit.SECONDS));
		assertThat(logout.subject()).isEqualTo(user.id().toString());
		assertThat(logout.sessionId()).isEqualTo(sid);
		// One client of the session registered a back-channel URI: one token, once.
		assertThat(received.poll(1500, TimeUnit.MILLISECONDS)).isNull();
	}

	/**
	 * OA-56: a row's failure is that row's: forty deliveries due to a client whose
	 * endpoint never answers (each ending at the attempt's 10 s deadline) do not hold
	 * another client's. That one arrives at once; it used to wait behind batches of
	 * twenty held to their slowest send (20 s and more).
	 */
	@Test
	void backchannelLogoutWhenAnotherClientsEndpointStallsThenThisOneStillToldAtOnce() throws Exception {
		HttpServer stalling = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		stalling.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
		stalling.createContext("/backchannel", (exchange) -> {
			try {
				Thread.sleep(30_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			exchange.close();
		});
		stalling.start();
		String stallingId = "stall-" + UUID.randomUUID().toString().substring(0, 8);
		nodeA.bean(ClientService.class)
			.importClient(client(stallingId, "http://127.0.0.1:" + stalling.getAddress().getPort() + "/backchannel"));
		String registeredId = nodeA.bean(RegisteredClientRepository.class).findByClientId(stallingId).getId();
		JdbcClient jdbc = JdbcClient.create(nodeA.bean(DataSource.class));
		try {
			for (int i = 0; i < 40; i++) {
				jdbc.sql("""
						INSERT INTO backchannel_logouts (registered_client_id, subject, session_id, reason)
						VALUES (?, ?, ?, 'logout')""").params(registeredId, "someone", "stalled-" + i).update();
			}
			UserAccount user = newUser();
			TestBrowser browser = signedIn(nodeA, user);
			String sid = (String) TestBrowser.jwtClaims((String) tokens(nodeA, browser, "bcl-app").get("id_token"))
				.get("sid");
			OAuthFlows flows = new OAuthFlows(nodeA.baseUrl());
			browser.postForm(flows.url("/logout"), TestBrowser.logoutForm(browser.get(flows.url("/logout")).body()));
			assertThat(verified(received.poll(3, TimeUnit.SECONDS)).sessionId()).isEqualTo(sid);
		}
		finally {
			jdbc.sql("UPDATE backchannel_logouts SET failed_at = now() WHERE registered_client_id = ?")
				.param(registeredId)
				.update();
			stalling.stop(0);
		}
	}

	/**
	 * The client's session with the person outlives its tokens: it is told even when its
	 * access token has expired and it holds no refresh token; and a session the client
	 * began again after being told is told again when it ends.
	 */
	@Test
	void backchannelLogoutWhenTokensExpiredOrSessionBeganAgainThenStillTold() throws Exception {
		UserAccount user = newUser();
		TestBrowser browser = signedIn(nodeA, user);
		String sid = sid(tokens(nodeA, browser, "short-bcl-app"));
		Thread.sleep(1500);
		// Expired longer ago than a revocation allows for the nodes' clocks
		// (JdbcAuthorizationRows.CLOCK_TOLERANCE): nothing left to revoke.
		assertThat(org.springframework.jdbc.core.simple.JdbcClient.create(nodeA.bean(javax.sql.DataSource.class))
			.sql("UPDATE oauth_authorizations SET access_token_expires_at = now() - interval '5 minutes' WHERE session_id = ?")
			.param(sid)
			.update()).isEqualTo(1);
		HttpResponse<String> revoked = admin("POST", "/api/admin/sessions/revoke?user=" + user.id(), null);
		assertThat(revoked.statusCode()).isEqualTo(200);
		assertThat(TestBrowser.json(revoked)).containsEntry("revoked", 0);
		assertThat(verified(received.poll(10, TimeUnit.SECONDS), "short-bcl-app").sessionId()).isEqualTo(sid);

		// The same sign-in authorizes again (same sid); signing out tells the client
		// again. Its grant as a node whose clock is 10 s behind PostgreSQL's stamps it:
		// before the moment the client was told (which was the database's).
		assertThat(sid(tokens(nodeA, browser, "short-bcl-app"))).isEqualTo(sid);
		// The newest grant of the session: the one just made.
		assertThat(org.springframework.jdbc.core.simple.JdbcClient.create(nodeA.bean(javax.sql.DataSource.class))
			.sql("""
					UPDATE oauth_authorizations SET created_at = created_at - interval '10 seconds'
					WHERE id = (SELECT id FROM oauth_authorizations WHERE session_id = ? ORDER BY stored_at DESC LIMIT 1)""")
			.param(sid)
			.update()).isEqualTo(1);
		OAuthFlows flows = new OAuthFlows(nodeA.baseUrl());
		HttpResponse<String> confirm = browser.get(flows.url("/logout"));
		browser.postForm(flows.url("/logout"), TestBrowser.logoutForm(confirm.body()));
		assertThat(verified(received.poll(10, TimeUnit.SECONDS), "short-bcl-app").sessionId()).isEqualTo(sid);
		assertThat(received.poll(1500, TimeUnit.MILLISECONDS)).isNull();
	}

	@Test
	void backchannelLogoutWhenAdministratorRevokesDisablesOrSetsPasswordThenToken() throws Exception {
		UserAccount user = newUser();
		String sid = sid(tokens(nodeA, signedIn(nodeA, user), "bcl-app"));
		HttpResponse<String> revoked = admin("POST", "/api/admin/sessions/revoke?user=" + user.id(), null);
		assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
		assertThat(verified(received.poll(10, TimeUnit.SECONDS)).sessionId()).isEqualTo(sid);

		sid = sid(tokens(nodeA, signedIn(nodeA, user), "bcl-app"));
		nodeA.bean(UserAdministration.class)
			.setPassword(user.id().toString(), "another-quiet-harbor-42", true, new Actor("test", "test", null));
		assertThat(verified(received.poll(10, TimeUnit.SECONDS)).sessionId()).isEqualTo(sid);

		UserAccount other = newUser();
		sid = sid(tokens(nodeA, signedIn(nodeA, other), "bcl-app"));
		HttpResponse<String> disabled = admin("PUT", "/api/admin/users/" + other.id(),
				"{\"username\":\"" + other.username() + "\",\"enabled\":false,\"roles\":[\"user\"]}");
		assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
		assertThat(verified(received.poll(10, TimeUnit.SECONDS)).sessionId()).isEqualTo(sid);
	}

	/**
	 * The node that ended the session cannot reach the client, then stops: the delivery
	 * is in PostgreSQL, and another node makes it when it is due again.
	 */
	@Test
	void backchannelLogoutWhenClientDownAndNodeStopsThenAnotherNodeDeliversLater() throws Exception {
		UserAccount user = newUser();
		String sid;
		try (LanyardTestServer nodeC = LanyardTestServer.start(deployment)) {
			TestBrowser browser = signedIn(nodeC, user);
			sid = sid(tokens(nodeC, browser, "bcl-app"));
			status.set(503);
			OAuthFlows flows = new OAuthFlows(nodeC.baseUrl());
			HttpResponse<String> confirm = browser.get(flows.url("/logout"));
			Instant before = Instant.now();
			HttpResponse<String> done = browser.postForm(flows.url("/logout"), TestBrowser.logoutForm(confirm.body()));
			// The person's sign-out never waits for the client.
			assertThat(done.statusCode()).isIn(302, 303);
			assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofSeconds(3));
			// Refused once (503), by some node.
			assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
		}
		status.set(200);
		assertThat(verified(received.poll(30, TimeUnit.SECONDS)).sessionId()).isEqualTo(sid);
		JdbcClient jdbc = JdbcClient.create(nodeA.bean(javax.sql.DataSource.class));
		// Audited once the delivering node has the answer (just after the client has the
		// token).
		Instant deadline = Instant.now().plusSeconds(5);
		List<String> audited;
		do {
			audited = jdbc
				.sql("SELECT action FROM audit_events WHERE action LIKE 'logout.backchannel%' AND details->>'sid' = ?")
				.param(sid)
				.query(String.class)
				.list();
			Thread.sleep(50);
		}
		while (!audited.contains("logout.backchannel_delivered") && Instant.now().isBefore(deadline));
		assertThat(audited).contains("logout.backchannel_retry", "logout.backchannel_delivered");
	}

	/**
	 * The logout token as a relying party checks it (§2.6), with the client library's
	 * verifier: signature against Lanyard's JWKS, typ, iss, aud, iat/exp, jti once,
	 * events, no nonce.
	 */
	private static LogoutToken verified(String token) throws JwtVerificationException {
		return verified(token, "bcl-app");
	}

	private static LogoutToken verified(String token, String clientId) throws JwtVerificationException {
		assertThat(token).as("a logout token arrived").isNotNull();
		LogoutToken logout = logouts
			.computeIfAbsent(clientId,
					(id) -> LogoutTokenVerifier.builder()
						.issuer(nodeA.baseUrl())
						.clientId(id)
						.jwksUri(URI.create(nodeA.baseUrl() + "/oauth2/jwks"))
						.build())
			.verify(token);
		assertThat(logout.expiresAt()).isBeforeOrEqualTo(logout.issuedAt().plusSeconds(120));
		return logout;
	}

	private HttpResponse<String> admin(String method, String path, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(nodeA.baseUrl() + path))
			.header("Authorization", "Bearer " + adminToken)
			.header("Content-Type", "application/json");
		request.method(method,
				(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		return this.http.send(request.build());
	}

	private static UserAccount newUser() {
		return nodeA.bean(UserService.class)
			.create("bcl-" + UUID.randomUUID().toString().substring(0, 8), null, PASSWORD, true, false, List.of("user"),
					Map.of(), Map.of());
	}

	private static TestBrowser signedIn(LanyardTestServer node, UserAccount user) {
		TestBrowser browser = new TestBrowser();
		assertThat(new OAuthFlows(node.baseUrl()).signIn(browser, user.username(), PASSWORD).statusCode()).isIn(302,
				303);
		return browser;
	}

	private static Map<String, Object> tokens(LanyardTestServer node, TestBrowser browser, String clientId) {
		OAuthFlows flows = new OAuthFlows(node.baseUrl());
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String answer = TestBrowser.location(browser.get(
				flows.authorizeUrl(OAuthFlows.codeRequest(clientId, TestBootstrap.REDIRECT_URI, "openid", "s", pkce))));
		String code = TestBrowser.queryParameters(answer).get("code");
		assertThat(code).as(answer).isNotNull();
		HttpResponse<String> redeemed = flows.redeemCode(new TestBrowser(), clientId, TestBootstrap.WEB_APP_SECRET,
				code, TestBootstrap.REDIRECT_URI, pkce.verifier());
		assertThat(redeemed.statusCode()).as(redeemed.body()).isEqualTo(200);
		return TestBrowser.json(redeemed);
	}

	private static String sid(Map<String, Object> tokens) {
		return (String) TestBrowser.jwtClaims((String) tokens.get("id_token")).get("sid");
	}

}
