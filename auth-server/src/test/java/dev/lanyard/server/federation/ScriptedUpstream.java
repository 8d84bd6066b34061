package dev.lanyard.server.federation;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lanyard.server.TestBrowser;

/**
 * An upstream identity provider whose answers a test chooses, for what a well-behaved
 * provider never sends: an ID token for another audience or signed by a key it does not
 * publish. Speaks OpenID Connect at {@code /oidc} (discovery, authorization, token, JWKS)
 * and plain OAuth 2.0 at {@code /hub} (authorization, token, a GitHub-like user endpoint
 * whose person is named by a number, {@code id}). Real HTTP; codes are one-time.
 */
final class ScriptedUpstream implements AutoCloseable {

	/** What the token endpoint's ID token is like. */
	enum IdToken {

		/** As it should be. */
		GOOD,
		/** For another client ({@code aud}). */
		WRONG_AUDIENCE,
		/** Signed by a key the upstream does not publish. */
		FOREIGN_KEY,
		/** With a nonce other than the request's. */
		WRONG_NONCE

	}

	static final String SUBJECT = "upstream-person-7";

	private final HttpServer server;

	private final RSAKey published;

	private final RSAKey foreign;

	private final String clientId;

	private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();

	volatile IdToken idToken = IdToken.GOOD;

	/** The person the upstream signs in. */
	volatile String subject = SUBJECT;

	/**
	 * When the person last authenticated at the upstream ({@code auth_time}, as a
	 * provider answering from its own session says); {@code null}: not said.
	 */
	volatile Instant authTime;

	/**
	 * A token endpoint the discovery document names instead of its own; {@code null}: its
	 * own.
	 */
	volatile String cleartextTokenEndpoint;

	/**
	 * When set, ID token answers wait until as many as the barrier's parties are asked
	 * for, then all go at once: sign-ins that race from there on.
	 */
	volatile CyclicBarrier answerTogether;

	/** What the plain OAuth 2.0 user endpoint answers. */
	static final Map<String, Object> HUB_USER = Map.of("id", 4242, "login", "octo", "name", "Octo Cat", "email",
			"octo@hub.example");

	volatile Map<String, Object> hubUser = HUB_USER;

	private final ExecutorService handlers = Executors.newCachedThreadPool();

	ScriptedUpstream(String clientId) throws IOException, JOSEException {
		this.clientId = clientId;
		this.published = new RSAKeyGenerator(2048).keyID("published").generate();
		this.foreign = new RSAKeyGenerator(2048).keyID("published").generate();
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/oidc/.well-known/openid-configuration", (exchange) -> json(exchange, discovery()));
		this.server.createContext("/oidc/jwks",
				(exchange) -> json(exchange, new JWKSet(this.published.toPublicJWK()).toJSONObject()));
		this.server.createContext("/oidc/authorize", this::authorize);
		this.server.createContext("/oidc/token", this::oidcToken);
		this.server.createContext("/hub/authorize", this::authorize);
		this.server.createContext("/hub/token", this::hubToken);
		this.server.createContext("/hub/user", (exchange) -> json(exchange, this.hubUser));
		this.server.setExecutor(this.handlers);
		this.server.start();
	}

	String issuer() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/oidc";
	}

	String hub() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/hub";
	}

	private Map<String, Object> discovery() {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("issuer", issuer());
		metadata.put("authorization_endpoint", issuer() + "/authorize");
		metadata.put("token_endpoint",
				(this.cleartextTokenEndpoint != null) ? this.cleartextTokenEndpoint : issuer() + "/token");
		metadata.put("jwks_uri", issuer() + "/jwks");
		metadata.put("response_types_supported", List.of("code"));
		metadata.put("subject_types_supported", List.of("public"));
		metadata.put("id_token_signing_alg_values_supported", List.of("RS256"));
		metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
		return metadata;
	}

	/** Signs the person in at once and sends the browser back with a code. */
	private void authorize(HttpExchange exchange) throws IOException {
		Map<String, String> request = TestBrowser.formParameters(exchange.getRequestURI().getRawQuery());
		String code = UUID.randomUUID().toString();
		this.codes.put(code, request);
		String location = request.get("redirect_uri") + "?code=" + code + "&state="
				+ URLEncoder.encode(request.get("state"), StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Location", location);
		exchange.sendResponseHeaders(302, -1);
		exchange.close();
	}

	private void oidcToken(HttpExchange exchange) throws IOException {
		Map<String, String> request = redeem(exchange);
		if (request == null) {
			return;
		}
		CyclicBarrier together = this.answerTogether;
		try {
			if (together != null) {
				together.await(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException | BrokenBarrierException | TimeoutException ex) {
			throw new IOException("The other token request did not come", ex);
		}
		try {
			Instant now = Instant.now();
			JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
			Instant authenticated = this.authTime;
			if (authenticated != null) {
				builder.claim("auth_time", authenticated.getEpochSecond());
			}
			JWTClaimsSet claims = builder.issuer(issuer())
				.subject(this.subject)
				.audience((this.idToken == IdToken.WRONG_AUDIENCE) ? "someone-else" : this.clientId)
				.issueTime(Date.from(now))
				.expirationTime(Date.from(now.plusSeconds(300)))
				.claim("nonce", (this.idToken == IdToken.WRONG_NONCE) ? "another-nonce" : request.get("nonce"))
				.claim("amr", List.of("pwd", "otp", "mfa"))
				.claim("preferred_username", "scripted")
				.build();
			RSAKey signer = (this.idToken == IdToken.FOREIGN_KEY) ? this.foreign : this.published;
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).build(),
					claims);
			jwt.sign(new RSASSASigner(signer));
			json(exchange, Map.of("access_token", UUID.randomUUID().toString(), "token_type", "Bearer", "expires_in",
					300, "id_token", jwt.serialize()));
		}
		catch (JOSEException ex) {
			throw new IOException(ex);
		}
	}

	private void hubToken(HttpExchange exchange) throws IOException {
		if (redeem(exchange) != null) {
			json(exchange,
					Map.of("access_token", UUID.randomUUID().toString(), "token_type", "bearer", "scope", "read:user"));
		}
	}

	/** The authorization request a code was issued for, once; else a 400 answered. */
	private Map<String, String> redeem(HttpExchange exchange) throws IOException {
		Map<String, String> form = TestBrowser
			.formParameters(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
		Map<String, String> request = this.codes.remove(String.valueOf(form.get("code")));
		if (request == null) {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			byte[] body = "{\"error\":\"invalid_grant\"}".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(400, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
			return null;
		}
		return request;
	}

	private static void json(HttpExchange exchange, Map<String, ?> body) throws IOException {
		byte[] bytes = JSONObjectUtils.toJSONString(new LinkedHashMap<>(body)).getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.handlers.shutdownNow();
	}

}
