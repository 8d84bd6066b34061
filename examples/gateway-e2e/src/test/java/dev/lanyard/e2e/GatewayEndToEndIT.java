package dev.lanyard.e2e;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.oauth2.sdk.dpop.DPoPProofFactory;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.lanyard.e2e.WebApp.Session;

import static dev.lanyard.e2e.E2eHttp.basic;
import static dev.lanyard.e2e.E2eHttp.form;
import static dev.lanyard.e2e.E2eHttp.get;
import static dev.lanyard.e2e.E2eHttp.http;
import static dev.lanyard.e2e.E2eHttp.post;
import static dev.lanyard.e2e.E2eHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path with the real parts, each its own process: a user signs in at Lanyard
 * and gets an opaque token; a client calls the demo service through NGINX; NGINX asks the
 * token-exchange service (auth_request), which exchanges the token at Lanyard for an
 * internal JWT; the demo service verifies it with jwt-client-lib and answers the session.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayEndToEndIT {

	private static final String GATEWAY_SECRET = "gateway-secret-at-least-32-characters";

	private static final String WEB_APP_SECRET = "web-app-secret-at-least-32-characters";

	private static final String METRICS_TOKEN = "exchange-metrics-token-at-least-32-characters";

	private static final String AUTOMATION_SECRET = "automation-secret-at-least-32-characters";

	private static final String REDIRECT_URI = "https://app.example.com/callback";

	private static final Path root = Path.of(System.getProperty("lanyard.root", "../..")).toAbsolutePath().normalize();

	private static Backends backends;

	private static ManagedProcess authServer;

	private static ManagedProcess tokenExchange;

	private static ManagedProcess demoService;

	/**
	 * A fresh service on Spring Security, built against the installed library
	 * ({@link FreshService}: examples/secured-service's sources), with the library.
	 */
	private static ManagedProcess securedService;

	/** The same service on Spring's own resource server (profile resource-server). */
	private static ManagedProcess resourceServerService;

	/** An exchange service without Redis: revocations over the HTTP stream. */
	private static ManagedProcess streamExchange;

	private static String streamGateway;

	private static String streamExchangeUrl;

	private static Map<String, String> authEnvironment;

	/** Every NGINX gateway this test started. */
	private static final List<ManagedProcess> gateways = new java.util.ArrayList<>();

	/** Signed in before Lanyard is stopped (order 20), signed out after its restart. */
	private static Session streamSession;

	private static Path work;

	private static String securedGateway;

	private static String resourceServerGateway;

	private static String issuer;

	private static String gateway;

	private static String exchangeUrl;

	private static Echo echo;

	private static String echoGateway;

	private static WebApp webApp;

	private static OtlpReceiver traces;

	@BeforeAll
	static void startEverything() throws Exception {
		if (System.getenv("LANYARD_E2E_REQUIRED") == null) {
			Assumptions.assumeTrue(Nginx.binary().isPresent(), "NGINX is not installed (apt-get install nginx)");
		}
		work = Files.createDirectories(root.resolve("examples/gateway-e2e/target/e2e"));
		backends = new Backends();
		String redis = backends.redisUrl();
		String prefix = "lanyard-e2e-" + System.nanoTime() + ":";
		// Lanyard is restarted on it (order 21).
		int authPort = Backends.restartablePort();
		issuer = "http://localhost:" + authPort;
		webApp = new WebApp(issuer, "web-app", WEB_APP_SECRET, REDIRECT_URI);

		Path bootstrap = work.resolve("bootstrap.yaml");
		Files.writeString(bootstrap, """
				users:
				  - username: alice
				    password: "alice-password-for-e2e"
				    roles: [user, admin]
				    attributes: { tenant: acme }
				  - username: bob
				    password: "bob-password-for-e2e"
				    roles: [user]
				  - username: carol
				    password: "carol-password-for-e2e"
				    roles: [user]
				clients:
				  - client-id: web-app
				    client-secret: "%s"
				    redirect-uris: [%s]
				    grant-types: [authorization_code, refresh_token]
				    scopes: [openid, profile, email]
				  - client-id: gateway
				    client-secret: "%s"
				    grant-types: ["urn:ietf:params:oauth:grant-type:token-exchange"]
				    exchange-audiences: [internal]
				  - client-id: automation
				    client-secret: "%s"
				    grant-types: [client_credentials]
				    scopes: [admin]
				""".formatted(WEB_APP_SECRET, REDIRECT_URI, GATEWAY_SECRET, AUTOMATION_SECRET));
		traces = OtlpReceiver.start();
		Map<String, String> tracing = Map.of("LANYARD_TRACING_ENABLED", "true", "LANYARD_TRACING_OTLP_ENDPOINT",
				traces.endpoint(), "LANYARD_TRACING_SAMPLING", "1.0",
				"MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_SCHEDULEDELAY", "200ms");
		authEnvironment = new HashMap<>(Map.of("SERVER_PORT", String.valueOf(authPort), "LANYARD_ISSUER", issuer,
				"SPRING_DATA_REDIS_URL", redis, "LANYARD_REDIS_KEYPREFIX", prefix, "LANYARD_MASTER_KEY",
				"e2e-master-key-e2e-master-key-e2e-0123", "LANYARD_BOOTSTRAP", bootstrap.toString()));
		// This test stops the server on purpose to see the gateway cope: no drain needed.
		authEnvironment.put("LANYARD_SHUTDOWN_DRAIN", "0s");
		authEnvironment.putAll(tracing);
		authEnvironment.put("LANYARD_METRICS_TOKEN", METRICS_TOKEN);
		authEnvironment.put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
		authEnvironment.putAll(backends.databaseEnvironment(work));
		authServer = ManagedProcess.start("auth-server", ManagedProcess.authServer(root), authEnvironment, work);

		int exchangePort = Backends.freePort();
		exchangeUrl = "http://127.0.0.1:" + exchangePort;
		// The gateway DPoP proofs are made for (the echo gateway, below): its origin.
		int echoGatewayPort = Backends.freePort();
		Map<String, String> exchangeEnvironment = new HashMap<>(Map.of("SERVER_PORT", String.valueOf(exchangePort),
				"LANYARD_ISSUER", issuer, "EXCHANGE_CLIENT_ID", "gateway", "EXCHANGE_CLIENT_SECRET", GATEWAY_SECRET,
				"SPRING_DATA_REDIS_URL", redis, "LANYARD_REDIS_KEYPREFIX", prefix, "EXCHANGE_METRICS_TOKEN",
				METRICS_TOKEN, "EXCHANGE_PUBLIC_ORIGINS", "http://127.0.0.1:" + echoGatewayPort));
		exchangeEnvironment.putAll(tracing);
		tokenExchange = ManagedProcess.start("token-exchange",
				ManagedProcess.java(root.resolve("token-exchange/target/lanyard-token-exchange-exec.jar")),
				exchangeEnvironment, work);

		int streamExchangePort = Backends.freePort();
		streamExchangeUrl = "http://127.0.0.1:" + streamExchangePort;
		streamExchange = ManagedProcess.start("token-exchange-stream",
				ManagedProcess.java(root.resolve("token-exchange/target/lanyard-token-exchange-exec.jar")),
				Map.of("SERVER_PORT", String.valueOf(streamExchangePort), "LANYARD_ISSUER", issuer,
						"EXCHANGE_CLIENT_ID", "gateway", "EXCHANGE_CLIENT_SECRET", GATEWAY_SECRET),
				work);

		int servicePort = Backends.freePort();
		demoService = ManagedProcess.start("demo-service",
				ManagedProcess.java(root.resolve("examples/demo-service/target/lanyard-demo-service.jar")),
				Map.of("SERVER_PORT", String.valueOf(servicePort), "LANYARD_ISSUER", issuer, "LANYARD_JWT_AUDIENCE",
						"internal"),
				work);

		Path securedJar = FreshService.build(root, work);
		int securedPort = Backends.freePort();
		securedService = ManagedProcess.start("secured-service", ManagedProcess.java(securedJar),
				Map.of("SERVER_PORT", String.valueOf(securedPort), "LANYARD_ISSUER", issuer), work);
		int resourceServerPort = Backends.freePort();
		resourceServerService = ManagedProcess.start("secured-service-resource-server", ManagedProcess.java(securedJar),
				Map.of("SERVER_PORT", String.valueOf(resourceServerPort), "LANYARD_ISSUER", issuer,
						"SPRING_PROFILES_ACTIVE", "resource-server"),
				work);

		authServer.awaitHttp(issuer + "/actuator/health/readiness", Duration.ofSeconds(120));
		tokenExchange.awaitHttp(exchangeUrl + "/actuator/health", Duration.ofSeconds(90));
		demoService.awaitHttp("http://127.0.0.1:" + servicePort + "/actuator/health", Duration.ofSeconds(90));

		Path nginxBinary = Nginx.binary().orElseThrow(() -> new AssertionError("LANYARD_E2E_REQUIRED but no NGINX"));
		gateway = startGateway(nginxBinary, "nginx", exchangePort, servicePort);
		streamExchange.awaitHttp(streamExchangeUrl + "/actuator/health", Duration.ofSeconds(90));
		streamGateway = startGateway(nginxBinary, "nginx-stream", streamExchangePort, servicePort);
		securedService.awaitHttp("http://127.0.0.1:" + securedPort + "/public/ping", Duration.ofSeconds(90));
		resourceServerService.awaitHttp("http://127.0.0.1:" + resourceServerPort + "/public/ping",
				Duration.ofSeconds(90));
		securedGateway = startGateway(nginxBinary, "nginx-secured", exchangePort, securedPort);
		resourceServerGateway = startGateway(nginxBinary, "nginx-resource-server", exchangePort, resourceServerPort);
		echo = Echo.start();
		echoGateway = startGateway(nginxBinary, "nginx-echo", echoGatewayPort, exchangePort, echo.port());
	}

	@AfterAll
	static void stopEverything() throws Exception {
		if (echo != null) {
			echo.close();
		}
		for (ManagedProcess gatewayProcess : gateways) {
			gatewayProcess.close();
		}
		for (ManagedProcess process : new ManagedProcess[] { demoService, securedService, resourceServerService,
				streamExchange, tokenExchange, authServer }) {
			if (process != null) {
				process.close();
			}
		}
		if (backends != null) {
			backends.close();
		}
		if (traces != null) {
			traces.close();
		}
	}

	@Test
	@Order(1)
	void gatewayWhenUserTokenThenServiceSeesVerifiedSession() throws Exception {
		String token = userAccessToken();
		HttpResponse<String> response = get(gateway + "/me", "Bearer " + token);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Map<String, Object> session = E2eHttp.json(response.body());
		Map<String, Object> introspection = introspect(token);
		assertThat(session.get("sub")).isEqualTo(introspection.get("sub"));
		assertThat(String.valueOf(session)).contains("alice")
			.contains("admin")
			.contains("openid")
			.contains("acme")
			.contains("web-app");
		// The service never saw the opaque token, and the client never sees the JWT.
		assertThat(response.body()).doesNotContain(token);
		assertThat(response.headers().firstValue("X-Internal-Jwt")).isEmpty();
	}

	/**
	 * A service on Spring Security behind the gateway, with real tokens: the library
	 * makes the session its Authentication, so {@code @PreAuthorize("hasRole('admin')")}
	 * lets alice (admin) in and keeps bob (user) out; the same with Spring's own resource
	 * server configured as the library's README documents.
	 */
	@Test
	@Order(1)
	void springSecurityServiceWhenAdminThen200AndUserThen403() throws Exception {
		String alice = userAccessToken();
		String bob = signIn("bob", "bob-password-for-e2e").accessToken();
		for (String gatewayUrl : List.of(securedGateway, resourceServerGateway)) {
			HttpResponse<String> admin = get(gatewayUrl + "/admin/report", "Bearer " + alice);
			assertThat(admin.statusCode()).as(gatewayUrl + " " + admin.body()).isEqualTo(200);
			assertThat(admin.body()).contains(String.valueOf(introspect(alice).get("sub")));
			HttpResponse<String> user = get(gatewayUrl + "/admin/report", "Bearer " + bob);
			assertThat(user.statusCode()).as(gatewayUrl).isEqualTo(403);
			assertThat(get(gatewayUrl + "/orders", "Bearer " + bob).statusCode()).as(gatewayUrl).isEqualTo(200);
			assertThat(get(gatewayUrl + "/orders", null).statusCode()).as(gatewayUrl).isEqualTo(401);
		}
	}

	/**
	 * A service in another language verifies the internal JWT with the documented checks
	 * (examples/node-verifier, Node.js with jose): the real gateway's JWT passes; a
	 * tampered one and one for another audience do not.
	 */
	@Test
	@Order(2)
	void otherLanguageWhenNodeVerifiesInternalJwtThenSameChecksHold() throws Exception {
		Path verifier = root.resolve("examples/node-verifier");
		boolean node = Files.isExecutable(Path.of("/usr/bin/node"))
				|| Files.isExecutable(Path.of("/usr/local/bin/node"));
		if (System.getenv("LANYARD_E2E_REQUIRED") == null) {
			Assumptions.assumeTrue(node, "Node.js is not installed");
		}
		if (!Files.isDirectory(verifier.resolve("node_modules/jose"))) {
			assertThat(run(verifier, "npm", "ci", "--no-audit", "--no-fund").exitCode()).isZero();
		}
		String token = userAccessToken();
		HttpResponse<String> exchanged = get(exchangeUrl + "/exchange", "Bearer " + token);
		String jwt = exchanged.headers().firstValue("X-Internal-Jwt").orElseThrow();

		Run verified = run(verifier, "node", "verify.mjs", issuer, "internal", jwt);
		assertThat(verified.exitCode()).as(verified.output()).isZero();
		assertThat(verified.output()).contains("\"sub\":\"" + introspect(token).get("sub") + "\"")
			.contains("\"iss\":\"" + issuer + "\"");

		String tampered = jwt.substring(0, jwt.length() - 4) + (jwt.endsWith("AAAA") ? "BBBB" : "AAAA");
		Run forged = run(verifier, "node", "verify.mjs", issuer, "internal", tampered);
		assertThat(forged.exitCode()).isEqualTo(1);
		assertThat(forged.output()).contains("refused");
		Run elsewhere = run(verifier, "node", "verify.mjs", issuer, "billing", jwt);
		assertThat(elsewhere.exitCode()).isEqualTo(1);
		assertThat(elsewhere.output()).contains("aud");
	}

	private record Run(int exitCode, String output) {
	}

	private static Run run(Path directory, String... command) throws Exception {
		Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		assertThat(process.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
		return new Run(process.exitValue(), output);
	}

	/**
	 * DPoP through the gateway (RFC 9449): a token bound to the web app's key passes
	 * NGINX only with a fresh proof signed by that key for this very request; stolen, it
	 * is refused as a bearer token, with the thief's own proof, with a replayed proof and
	 * with a proof for another URL. The service gets the internal JWT, with the token's
	 * cnf.
	 */
	@Test
	@Order(2)
	void gatewayWhenDpopBoundTokenThenOnlyItsKeysFreshProofPasses() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		DPoPProofFactory proofs = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256);
		DPoPProofFactory thief = new DefaultDPoPProofFactory(new ECKeyGenerator(Curve.P_256).generate(),
				JWSAlgorithm.ES256);
		String token = webApp
			.signIn("alice", "alice-password-for-e2e", "DPoP",
					proofs.createDPoPJWT("POST", URI.create(issuer + "/oauth2/token")).serialize())
			.accessToken();
		assertThat(introspect(token)).containsEntry("token_type", "DPoP")
			.containsEntry("cnf", Map.of("jkt", key.computeThumbprint().toString()));
		DPoPAccessToken bound = new DPoPAccessToken(token);
		URI me = URI.create(echoGateway + "/me");

		String proof = proofs.createDPoPJWT("GET", me, bound).serialize();
		HttpResponse<String> passed = get(me.toString(), "DPoP " + token, "DPoP", proof);
		assertThat(passed.statusCode()).as(passed.body()).isEqualTo(200);
		Map<String, Object> seen = E2eHttp.json(passed.body());
		String forwarded = String.valueOf(seen.get("authorization"));
		assertThat(forwarded).startsWith("Bearer ey");
		assertThat(String.valueOf(decodePayload(forwarded.substring("Bearer ".length())).get("cnf")))
			.contains(key.computeThumbprint().toString());
		assertThat(seen).doesNotContainKey("dpop");

		HttpResponse<String> replayed = get(me.toString(), "DPoP " + token, "DPoP", proof);
		assertThat(replayed.statusCode()).isEqualTo(401);
		assertThat(replayed.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("DPoP")
			.contains("invalid_dpop_proof");
		HttpResponse<String> asBearer = get(me.toString(), "Bearer " + token);
		assertThat(asBearer.statusCode()).isEqualTo(401);
		assertThat(asBearer.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
		assertThat(get(me.toString(), "DPoP " + token, "DPoP", thief.createDPoPJWT("GET", me, bound).serialize())
			.statusCode()).isEqualTo(401);
		assertThat(get(me.toString(), "DPoP " + token, "DPoP",
				proofs.createDPoPJWT("GET", URI.create(echoGateway + "/elsewhere"), bound).serialize())
			.statusCode()).isEqualTo(401);
		// A proof made for another server (which saw it with the token), sent here with
		// that server's name as Host: NGINX writes the original URL from the Host, the
		// exchange service takes only its own public origins (RFC 9449 §11.1).
		URI files = URI.create("http://files.example.com/me");
		assertThat(statusWithHost(me, "files.example.com", "Authorization", "DPoP " + token, "DPoP",
				proofs.createDPoPJWT("GET", files, bound).serialize()))
			.isEqualTo(401);
		// The same request with the gateway's own name, and a proof for it, passes.
		assertThat(statusWithHost(me, me.getAuthority(), "Authorization", "DPoP " + token, "DPoP",
				proofs.createDPoPJWT("GET", me, bound).serialize()))
			.isEqualTo(200);
		assertThat(get(me.toString(), "DPoP " + token, "DPoP", proofs.createDPoPJWT("POST", me, bound).serialize())
			.statusCode()).isEqualTo(401);
		assertThat(get(me.toString(), "DPoP " + token).statusCode()).isEqualTo(401);
		// Its holder, with a fresh proof, still passes.
		assertThat(get(me.toString(), "DPoP " + token, "DPoP", proofs.createDPoPJWT("GET", me, bound).serialize())
			.statusCode()).isEqualTo(200);
		// A bearer token presented as DPoP is refused as well, even with a proof made
		// for it.
		String bearer = userAccessToken();
		HttpResponse<String> bearerAsDpop = get(me.toString(), "DPoP " + bearer, "DPoP",
				proofs.createDPoPJWT("GET", me, new DPoPAccessToken(bearer)).serialize());
		assertThat(bearerAsDpop.statusCode()).isEqualTo(401);
		assertThat(bearerAsDpop.headers().firstValue("WWW-Authenticate").orElse("")).contains("not bound");
	}

	private static Map<String, Object> decodePayload(String jwt) {
		return E2eHttp.json(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
				java.nio.charset.StandardCharsets.UTF_8));
	}

	@Test
	@Order(2)
	void gatewayWhenNoTokenOrRandomTokenThen401() throws Exception {
		HttpResponse<String> none = get(gateway + "/me", null);
		assertThat(none.statusCode()).isEqualTo(401);
		assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
		// HD-10: one challenge, not the exchange's and the gateway's both.
		assertThat(none.headers().allValues("WWW-Authenticate")).hasSize(1);
		HttpResponse<String> random = get(gateway + "/me", "Bearer lyat_" + randomString());
		assertThat(random.statusCode()).isEqualTo(401);
		assertThat(random.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
		assertThat(random.headers().allValues("WWW-Authenticate")).hasSize(1);
		assertThat(get(gateway + "/me", "Basic YWxpY2U6cGFzc3dvcmQ=").statusCode()).isEqualTo(401);
	}

	/** A JWT sent from outside is treated as an unknown opaque token, never trusted. */
	@Test
	@Order(3)
	void gatewayWhenClientSendsAJwtThen401() throws Exception {
		String token = userAccessToken();
		HttpResponse<String> exchanged = get(exchangeUrl + "/exchange", "Bearer " + token);
		String jwt = exchanged.headers().firstValue("X-Internal-Jwt").orElseThrow();
		assertThat(get(gateway + "/me", "Bearer " + jwt).statusCode()).isEqualTo(401);
	}

	@Test
	@Order(4)
	void gatewayWhenTokenRevokedThenRejectedWithinOneSecondAlthoughCached() throws Exception {
		String token = userAccessToken();
		assertThat(get(gateway + "/me", "Bearer " + token).statusCode()).isEqualTo(200);
		assertThat(get(gateway + "/me", "Bearer " + token).statusCode()).isEqualTo(200);
		HttpResponse<String> revoked = webApp.revoke(token);
		assertThat(revoked.statusCode()).isEqualTo(200);
		Instant deadline = Instant.now().plusSeconds(1);
		int status = 200;
		while (Instant.now().isBefore(deadline) && status == 200) {
			status = get(gateway + "/me", "Bearer " + token).statusCode();
			if (status == 200) {
				Thread.sleep(50);
			}
		}
		assertThat(status).as("rejected within one second of the revocation").isEqualTo(401);
		assertThat(get(exchangeUrl + "/actuator/prometheus", null).statusCode()).isEqualTo(401);
		String metrics = get(exchangeUrl + "/actuator/prometheus", "Bearer " + METRICS_TOKEN).body();
		assertThat(metrics).containsPattern("lanyard_gateway_evictions_total [1-9]");
	}

	/**
	 * Issue 9, observability: with tracing on, a request through the gateway is one
	 * trace, from the exchange service (NGINX passes the W3C trace context to it) to
	 * Lanyard's token endpoint and on to PostgreSQL and Redis, exported over OTLP. And
	 * the server's log, in Spring Boot's structured format, is one JSON object per line.
	 */
	@Test
	@Order(5)
	void tracingWhenEnabledThenOneTraceFromGatewayThroughLanyardToPostgresqlAndRedis() throws Exception {
		String token = userAccessToken();
		String traceId = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
		String traceparent = "00-" + traceId + "-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(8))
				+ "-01";
		HttpResponse<String> response = send(http,
				HttpRequest.newBuilder(URI.create(gateway + "/me"))
					.header("Authorization", "Bearer " + token)
					.header("traceparent", traceparent)
					.build());
		assertThat(response.statusCode()).isEqualTo(200);
		Instant deadline = Instant.now().plusSeconds(15);
		boolean gatewaySpan = false;
		boolean lanyardSpans = false;
		while (!(gatewaySpan && lanyardSpans) && Instant.now().isBefore(deadline)) {
			Thread.sleep(200);
			gatewaySpan = traces.received(traceId, "lanyard-token-exchange", "/exchange");
			lanyardSpans = traces.received(traceId, "/oauth2/token") && traces.received(traceId, "jdbc.query[0]")
					&& traces.received(traceId, "db.system", "redis");
		}
		traces.dump(root.resolve("examples/gateway-e2e/target/e2e/traces.txt"), traceId);
		assertThat(gatewaySpan).as("the exchange service's span, in the caller's trace").isTrue();
		assertThat(lanyardSpans).as("Lanyard's token endpoint, PostgreSQL and Redis spans in the same trace").isTrue();
		assertThat(traces.mentions(token)).as("the opaque token in an exported span").isFalse();
		assertThat(traces.mentions(token.substring(5))).as("the token's secret part in an exported span").isFalse();

		List<String> lines = Files.readAllLines(root.resolve("examples/gateway-e2e/target/e2e/auth-server.log"));
		assertThat(lines).as("log lines").isNotEmpty();
		assertThat(lines).as("the token in the server's log").noneMatch((line) -> line.contains(token.substring(5)));
		for (String line : lines) {
			if (!line.isBlank()) {
				assertThat(E2eHttp.json(line)).as(line).containsKeys("@timestamp", "log", "message");
			}
		}
	}

	/**
	 * HD-02: a refresh replaces the access token, and a logout ends the session: a
	 * gateway that cached a JWT for either refuses it within a second.
	 */
	@Test
	@Order(6)
	void hd02RefreshThenLogoutWhenTokensCachedThenEachRefusedWithinOneSecond() throws Exception {
		Session bob = signIn("bob", "bob-password-for-e2e");
		String first = bob.accessToken();
		assertThat(get(gateway + "/me", "Bearer " + first).statusCode()).isEqualTo(200);
		Map<String, Object> refreshed = refresh(bob.refreshToken());
		String second = (String) refreshed.get("access_token");
		assertRefusedWithinOneSecond(first);
		assertThat(get(gateway + "/me", "Bearer " + second).statusCode()).isEqualTo(200);
		logout(bob);
		assertRefusedWithinOneSecond(second);
		assertRefusedWithinOneSecond(first);
	}

	/** HD-02: reuse of a rotated refresh token revokes the grant, at the gateway too. */
	@Test
	@Order(7)
	void hd02RefreshTokenReusedWhenTokensCachedThenRefusedWithinOneSecond() throws Exception {
		Session bob = signIn("bob", "bob-password-for-e2e");
		Map<String, Object> refreshed = refresh(bob.refreshToken());
		String current = (String) refreshed.get("access_token");
		assertThat(get(gateway + "/me", "Bearer " + current).statusCode()).isEqualTo(200);
		HttpResponse<String> reuse = post(issuer + "/oauth2/token",
				Map.of("grant_type", "refresh_token", "refresh_token", bob.refreshToken()),
				basic("web-app", WEB_APP_SECRET));
		assertThat(reuse.statusCode()).isEqualTo(400);
		assertRefusedWithinOneSecond(current);
	}

	/**
	 * HD-02: an administrator's "revoke all", for every access token of the user's
	 * grants.
	 */
	@Test
	@Order(8)
	void hd02AdminRevokesAllWhenTokensCachedThenRefusedWithinOneSecond() throws Exception {
		Session bob = signIn("bob", "bob-password-for-e2e");
		String first = bob.accessToken();
		assertThat(get(gateway + "/me", "Bearer " + first).statusCode()).isEqualTo(200);
		String second = (String) refresh(bob.refreshToken()).get("access_token");
		assertThat(get(gateway + "/me", "Bearer " + second).statusCode()).isEqualTo(200);
		HttpResponse<String> revoked = admin("POST", "/api/admin/sessions/revoke?user=" + userId("bob"), null);
		assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
		assertRefusedWithinOneSecond(second);
		assertRefusedWithinOneSecond(first);
	}

	/**
	 * HD-02: disabling the user ends everything the user was granted, at the gateway too.
	 */
	@Test
	@Order(9)
	void hd02UserDisabledWhenTokensCachedThenRefusedWithinOneSecond() throws Exception {
		Session carol = signIn("carol", "carol-password-for-e2e");
		String token = carol.accessToken();
		assertThat(get(gateway + "/me", "Bearer " + token).statusCode()).isEqualTo(200);
		HttpResponse<String> disabled = admin("PUT", "/api/admin/users/" + userId("carol"),
				"{\"username\":\"carol\",\"enabled\":false,\"roles\":[\"user\"]}");
		assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
		assertRefusedWithinOneSecond(token);
	}

	/**
	 * HD-02: a password an administrator sets with "sign out everywhere" (the default)
	 * ends what the person was granted, at the gateway too.
	 */
	@Test
	@Order(9)
	void hd02PasswordSetWithSignOutEverywhereWhenTokensCachedThenRefusedWithinOneSecond() throws Exception {
		String username = "dora-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> created = admin("POST", "/api/admin/users", "{\"username\":\"" + username
				+ "\",\"password\":\"dora-password-for-e2e\",\"enabled\":true,\"roles\":[\"user\"]}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String token = signIn(username, "dora-password-for-e2e").accessToken();
		assertThat(get(gateway + "/me", "Bearer " + token).statusCode()).isEqualTo(200);
		HttpResponse<String> changed = admin("PUT", "/api/admin/users/" + userId(username) + "/password",
				"{\"password\":\"dora-new-password-for-e2e\"}");
		assertThat(changed.statusCode()).as(changed.body()).isIn(200, 204);
		assertRefusedWithinOneSecond(token);
	}

	/**
	 * HD-10: behind the template, a service sees the gateway's word on who and where a
	 * request comes from, never the client's.
	 */
	@Test
	@Order(10)
	void hd10GatewayWhenClientSendsIdentityOrAddressHeadersThenServiceNeverSeesThem() throws Exception {
		String token = signIn("alice", "alice-password-for-e2e").accessToken();
		Map<String, String> spoofed = new java.util.LinkedHashMap<>();
		for (String name : new String[] { "X-Real-IP", "X-Forwarded-For", "X-Client-IP", "True-Client-IP",
				"CF-Connecting-IP", "X-Cluster-Client-IP", "X-Original-Forwarded-For", "Client-IP", "X-Remote-Addr",
				"X-Remote-IP" }) {
			spoofed.put(name, "203.0.113.66");
		}
		for (String name : new String[] { "X-Remote-User", "Remote-User", "X-User", "X-User-Id", "X-Forwarded-User",
				"X-Forwarded-Email", "X-Auth-Request-User", "X-Auth-Request-Email", "X-Userinfo", "X-Internal-Jwt",
				"X-Forwarded-Access-Token", "X-Auth-Request-Access-Token" }) {
			spoofed.put(name, "admin");
		}
		spoofed.put("X-Forwarded-Host", "evil.example");
		spoofed.put("X-Forwarded-Port", "443");
		spoofed.put("X-Forwarded-Prefix", "/admin");
		spoofed.put("X-Forwarded-Proto", "https");
		spoofed.put("X-Original-URL", "/admin");
		spoofed.put("X-Rewrite-URL", "/admin");
		spoofed.put("Forwarded", "for=203.0.113.66;host=evil.example;proto=https");
		spoofed.put("Cookie", "SESSION=stolen");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(echoGateway + "/echo"))
			.header("Authorization", "Bearer " + token)
			.header("Accept", "application/json")
			.header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
		spoofed.forEach(request::header);
		HttpResponse<String> response = send(http, request.build());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Map<String, String> seen = new HashMap<>();
		E2eHttp.json(response.body()).forEach((name, value) -> seen.put(name, String.valueOf(value)));
		assertThat(seen.get("x-real-ip")).isEqualTo("127.0.0.1");
		assertThat(seen.get("x-forwarded-for")).isEqualTo("127.0.0.1");
		assertThat(seen.get("x-forwarded-proto")).isEqualTo("http");
		assertThat(seen.get("authorization")).startsWith("Bearer ey").doesNotContain(token);
		assertThat(seen.get("accept")).isEqualTo("application/json");
		assertThat(seen.get("traceparent")).startsWith("00-0af7651916cd43dd");
		for (String name : spoofed.keySet()) {
			String lower = name.toLowerCase(java.util.Locale.ROOT);
			if (!Set.of("x-real-ip", "x-forwarded-for", "x-forwarded-proto").contains(lower)) {
				assertThat(seen).as(name + " reached the service").doesNotContainKey(lower);
			}
		}
		assertThat(response.body()).doesNotContain("203.0.113.66")
			.doesNotContain("evil.example")
			.doesNotContain("stolen");
	}

	/**
	 * Issue 9, item 8: the exchange service starts and serves with Redis absent; health
	 * says the revocation channel is not heard (degraded), and it is not a reason to
	 * leave the balancer.
	 */
	@Test
	@Order(11)
	void exchangeServiceWhenRedisAbsentThenStartsServesAndReportsDegraded() throws Exception {
		int port = Backends.freePort();
		int nowhere = Backends.freePort();
		Path work = root.resolve("examples/gateway-e2e/target/e2e");
		try (ManagedProcess lonely = ManagedProcess.start("token-exchange-without-redis",
				ManagedProcess.java(root.resolve("token-exchange/target/lanyard-token-exchange-exec.jar")),
				Map.of("SERVER_PORT", String.valueOf(port), "LANYARD_ISSUER", issuer, "EXCHANGE_CLIENT_ID", "gateway",
						"EXCHANGE_CLIENT_SECRET", GATEWAY_SECRET, "SPRING_DATA_REDIS_URL",
						"redis://127.0.0.1:" + nowhere),
				work)) {
			lonely.awaitHttp("http://127.0.0.1:" + port + "/actuator/health/readiness", Duration.ofSeconds(90));
			HttpResponse<String> health = get("http://127.0.0.1:" + port + "/actuator/health", null);
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(health.body()).contains("DEGRADED");
			HttpResponse<String> exchanged = get("http://127.0.0.1:" + port + "/exchange",
					"Bearer " + userAccessToken());
			assertThat(exchanged.statusCode()).isEqualTo(200);
			assertThat(exchanged.headers().firstValue("X-Internal-Jwt")).isPresent();
		}
	}

	/**
	 * The alert rules and the Grafana dashboard in {@code docker/observability} name only
	 * metrics that Lanyard and the exchange service really export (after the traffic of
	 * the tests before: sign-ins, tokens, exchanges, revocations).
	 */
	/**
	 * Without Redis the gateway hears revocations over Lanyard's HTTP stream: a rotated
	 * refresh token's old access token and a logged-out session are refused within a
	 * second, as with Redis.
	 */
	@Test
	@Order(12)
	void gatewayWithoutRedisWhenRefreshedAndLoggedOutThenRefusedWithinOneSecond() throws Exception {
		awaitRevocationsHeard(streamExchangeUrl);
		Session bob = signIn("bob", "bob-password-for-e2e");
		String first = bob.accessToken();
		assertThat(get(streamGateway + "/me", "Bearer " + first).statusCode()).isEqualTo(200);
		String second = (String) refresh(bob.refreshToken()).get("access_token");
		E2eHttp.assertRefusedWithinOneSecond(streamGateway + "/me", first);
		assertThat(get(streamGateway + "/me", "Bearer " + second).statusCode()).isEqualTo(200);
		logout(bob);
		E2eHttp.assertRefusedWithinOneSecond(streamGateway + "/me", second);
	}

	private static void awaitRevocationsHeard(String exchange) throws Exception {
		E2eHttp.awaitRevocationsHeard(exchange);
	}

	@Test
	@Order(19)
	void observabilityFilesWhenReadThenEveryMetricTheyNameIsExported() throws Exception {
		String exported = get(issuer + "/actuator/prometheus", "Bearer " + METRICS_TOKEN).body()
				+ get(exchangeUrl + "/actuator/prometheus", "Bearer " + METRICS_TOKEN).body();
		Set<String> names = exported.lines()
			.filter((line) -> !line.startsWith("#") && !line.isBlank())
			.map((line) -> line.split("[{ ]", 2)[0])
			.collect(java.util.stream.Collectors.toSet());
		Pattern metric = Pattern
			.compile("\\b(lanyard_[a-z_]+|http_server_requests_seconds_[a-z]+|hikaricp_[a-z_]+|jvm_[a-z_]+)\\b");
		int checked = 0;
		for (String file : List.of("lanyard-alerts.yml", "lanyard-dashboard.json")) {
			Matcher named = metric.matcher(Files.readString(root.resolve("docker/observability").resolve(file)));
			while (named.find()) {
				assertThat(names).as("%s names %s", file, named.group(1)).contains(named.group(1));
				checked++;
			}
		}
		assertThat(checked).isGreaterThan(20);
	}

	/**
	 * Long after it started, the Redis gateway still counts revocations as heard:
	 * Lanyard's own heartbeat reaches it on the revocation channel (its subscription
	 * working proves only the gateway's side; without Lanyard's heartbeat it would say
	 * DEGRADED).
	 */
	@Test
	@Order(18)
	void gatewayWithRedisWhenLanyardPublishesThenRevocationsHeard() throws Exception {
		HttpResponse<String> health = get(exchangeUrl + "/actuator/health", null);
		assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("DEGRADED");
		assertThat(get(exchangeUrl + "/actuator/prometheus", "Bearer " + METRICS_TOKEN).body()
			.lines()
			.filter((line) -> line.startsWith("lanyard_gateway_revocations_heard"))).isNotEmpty()
			.allMatch((line) -> line.endsWith(" 1.0"));
	}

	/**
	 * The shipped deployments set every variable the gateway template names (an unset one
	 * is left as text by the image's envsubst: NGINX then fails, or sends a literal
	 * origin that refuses every DPoP proof).
	 */
	@Test
	@Order(19)
	void deploymentFilesWhenReadThenEveryGatewayTemplateVariableIsSet() throws Exception {
		Matcher placeholders = Pattern.compile("\\$\\{([A-Z_]+)}")
			.matcher(Files.readString(root.resolve("docker/nginx/templates/lanyard-gateway.conf.template")));
		Set<String> variables = new java.util.TreeSet<>();
		while (placeholders.find()) {
			variables.add(placeholders.group(1));
		}
		assertThat(variables).contains("GATEWAY_PUBLIC_ORIGIN");
		String compose = Files.readString(root.resolve("docker/compose.yaml"));
		String gateway = compose.substring(compose.indexOf("\n  gateway:"));
		String kubernetes = Files.readString(root.resolve("docker/k8s/gateway.yaml"));
		for (String variable : variables) {
			assertThat(gateway).as("compose.yaml's gateway sets %s", variable).contains(variable + ":");
			assertThat(kubernetes).as("k8s/gateway.yaml sets %s", variable).contains("name: " + variable + ",");
		}
	}

	/**
	 * Lanyard unreachable: cached sessions keep working, new tokens get 503 (not 401).
	 */
	@Test
	@Order(20)
	void gatewayWhenAuthorizationServerDownThen503AndCachedStillServed() throws Exception {
		String cached = userAccessToken();
		String fresh = userAccessToken();
		assertThat(get(gateway + "/me", "Bearer " + cached).statusCode()).isEqualTo(200);
		// For the next test: a session whose token the gateway without Redis has cached.
		streamSession = signIn("bob", "bob-password-for-e2e");
		assertThat(get(streamGateway + "/me", "Bearer " + streamSession.accessToken()).statusCode()).isEqualTo(200);
		authServer.close();
		assertThat(get(gateway + "/me", "Bearer " + cached).statusCode()).isEqualTo(200);
		HttpResponse<String> unavailable = get(gateway + "/me", "Bearer " + fresh);
		assertThat(unavailable.statusCode()).isEqualTo(503);
		assertThat(unavailable.body()).doesNotContain("Exception");
	}

	/**
	 * The fault that would break the HTTP revocation stream: Lanyard goes down (the test
	 * above) and comes back under the gateway. The exchange service reconnects, resumes
	 * from the last event it saw, and the next revocation is refused within a second.
	 */
	@Test
	@Order(21)
	void gatewayWithoutRedisWhenLanyardRestartedThenStreamResumesAndRevocationsStillArrive() throws Exception {
		authServer = ManagedProcess.start("auth-server-restarted", ManagedProcess.authServer(root), authEnvironment,
				work);
		authServer.awaitHttp(issuer + "/actuator/health/readiness", Duration.ofSeconds(120));
		awaitRevocationsHeard(streamExchangeUrl);
		logout(streamSession);
		E2eHttp.assertRefusedWithinOneSecond(streamGateway + "/me", streamSession.accessToken());
	}

	private static String userAccessToken() throws Exception {
		return signIn("alice", "alice-password-for-e2e").accessToken();
	}

	private static Session signIn(String username, String password) throws Exception {
		return webApp.signIn(username, password);
	}

	private static Map<String, Object> refresh(String refreshToken) throws Exception {
		return webApp.refresh(refreshToken);
	}

	/** Signs out on the logout page, as the person would. */
	private static void logout(Session session) throws Exception {
		webApp.signOut(session);
	}

	private static void assertRefusedWithinOneSecond(String token) throws Exception {
		E2eHttp.assertRefusedWithinOneSecond(gateway + "/me", token);
	}

	private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
		String token = (String) E2eHttp
			.json(post(issuer + "/oauth2/token", Map.of("grant_type", "client_credentials", "scope", "admin"),
					basic("automation", AUTOMATION_SECRET))
				.body())
			.get("access_token");
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(issuer + path))
			.header("Authorization", "Bearer " + token)
			.method(method,
					(body == null) ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		return send(http, request.build());
	}

	@SuppressWarnings("unchecked")
	private static String userId(String username) throws Exception {
		Map<String, Object> page = E2eHttp.json(admin("GET", "/api/admin/users?q=" + username, null).body());
		return (String) ((List<Map<String, Object>>) page.get("items")).stream()
			.filter((user) -> username.equals(user.get("username")))
			.findFirst()
			.orElseThrow()
			.get("id");
	}

	private static Map<String, Object> introspect(String token) throws Exception {
		return E2eHttp
			.json(post(issuer + "/oauth2/introspect", Map.of("token", token), basic("gateway", GATEWAY_SECRET)).body());
	}

	private static String randomString() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * The status of a GET sent with a {@code Host} of the caller's (the JDK's client does
	 * not let one be set), over a plain socket.
	 */
	private static int statusWithHost(URI url, String host, String... headers) throws java.io.IOException {
		try (var socket = new java.net.Socket(url.getHost(), url.getPort())) {
			socket.setSoTimeout(10_000);
			StringBuilder request = new StringBuilder(
					"GET " + url.getRawPath() + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
			for (int i = 0; i < headers.length; i += 2) {
				request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
			}
			socket.getOutputStream()
				.write(request.append("\r\n").toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			String statusLine = new java.io.BufferedReader(
					new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
				.readLine();
			return Integer.parseInt(statusLine.split(" ")[1]);
		}
	}

	/**
	 * An NGINX gateway from the shipped template in front of a service.
	 * @return its URL, once it listens
	 */
	private static String startGateway(Path binary, String name, int exchangePort, int servicePort) throws Exception {
		return startGateway(binary, name, Backends.freePort(), exchangePort, servicePort);
	}

	private static String startGateway(Path binary, String name, int port, int exchangePort, int servicePort)
			throws Exception {
		ManagedProcess nginx = Nginx.start(binary, root.resolve("docker/nginx/templates/lanyard-gateway.conf.template"),
				Map.of("GATEWAY_LISTEN", "127.0.0.1:" + port, "GATEWAY_PUBLIC_ORIGIN", "http://127.0.0.1:" + port,
						"EXCHANGE_UPSTREAM", "127.0.0.1:" + exchangePort, "SERVICE_UPSTREAM",
						"127.0.0.1:" + servicePort),
				Files.createDirectories(work.resolve(name)));
		gateways.add(nginx);
		Instant deadline = Instant.now().plusSeconds(20);
		while (Instant.now().isBefore(deadline)) {
			try (var socket = new java.net.Socket("127.0.0.1", port)) {
				return "http://127.0.0.1:" + port;
			}
			catch (java.io.IOException ex) {
				Thread.sleep(100);
			}
		}
		throw new IllegalStateException("NGINX did not listen: " + nginx.tail());
	}

}
