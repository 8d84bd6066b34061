package dev.lanyard.server.exchange;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.authorization.RevocationOutbox;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.token.TokenHash;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Token exchange at the server (RFC 8693), docs/SECURITY.md §1c TX-01 to TX-08. */
class TokenExchangeTest {

	private static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

	private static LanyardTestServer server;

	private static OAuthFlows flows;

	private static Map<String, Object> aliceTokens;

	private final TestBrowser gateway = new TestBrowser();

	@BeforeAll
	static void signInAlice() {
		server = SharedLanyard.server();
		flows = SharedLanyard.flows();
		aliceTokens = userTokens("openid profile email");
	}

	@Test
	void exchangeWhenUserTokenThenInternalJwtWithSessionClaims() throws Exception {
		String subject = (String) aliceTokens.get("access_token");
		HttpResponse<String> response = exchange(Map.of("subject_token", subject));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Map<String, Object> body = TestBrowser.json(response);
		assertThat(body.get("issued_token_type")).isEqualTo("urn:ietf:params:oauth:token-type:jwt");
		assertThat(body.get("token_type")).isEqualTo("Bearer");
		assertThat(((Number) body.get("expires_in")).intValue()).isBetween(1, 300);

		SignedJWT jwt = SignedJWT.parse((String) body.get("access_token"));
		assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
		assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
		RSAKey key = (RSAKey) JWKSet.load(new URL(flows.url("/oauth2/jwks"))).getKeyByKeyId(jwt.getHeader().getKeyID());
		assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();

		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		Map<String, Object> introspection = flows.introspect(this.gateway, "gateway", TestBootstrap.GATEWAY_SECRET,
				subject);
		assertThat(claims.getIssuer()).isEqualTo(server.baseUrl());
		assertThat(claims.getSubject()).isEqualTo(introspection.get("sub"));
		assertThat(claims.getAudience()).containsExactly("internal");
		assertThat(claims.getStringClaim("client_id")).isEqualTo("web-app");
		assertThat(claims.getStringClaim("scope")).isEqualTo("email openid profile");
		assertThat(claims.getStringClaim("preferred_username")).isEqualTo("alice");
		assertThat(claims.getStringListClaim("roles")).containsExactly("user", "admin");
		assertThat(claims.getStringClaim("tenant")).isEqualTo("acme");
		assertThat(claims.getStringClaim("sid")).isNotBlank();
		assertThat(claims.getLongClaim("auth_time")).isLessThanOrEqualTo(Instant.now().getEpochSecond());
		assertThat(claims.getStringListClaim("amr")).containsExactly("pwd");
		assertThat(claims.getStringClaim("acr")).isEqualTo("urn:lanyard:acr:single-factor");
		assertThat(claims.getJSONObjectClaim("act")).containsEntry("sub", "gateway");
		assertThat(claims.getJWTID()).isNotBlank();
		Instant expiresAt = claims.getExpirationTime().toInstant();
		assertThat(expiresAt).isBefore(claims.getIssueTime().toInstant().plus(Duration.ofMinutes(5)).plusSeconds(1));
		assertThat(expiresAt.getEpochSecond()).isLessThanOrEqualTo(((Number) introspection.get("exp")).longValue());
	}

	/** Nothing is written per exchange, and the same token reuses its still-valid JWT. */
	@Test
	void exchangeWhenRepeatedThenStatelessAndReused() {
		JdbcTemplate jdbc = new JdbcTemplate(server.bean(DataSource.class));
		Map<String, Object> tokens = userTokens("openid profile");
		String subject = (String) tokens.get("access_token");
		long rows = rowCount(jdbc);
		String first = (String) TestBrowser.json(exchange(Map.of("subject_token", subject))).get("access_token");
		String second = (String) TestBrowser.json(exchange(Map.of("subject_token", subject))).get("access_token");
		String billing = (String) TestBrowser.json(exchange(Map.of("subject_token", subject, "audience", "billing")))
			.get("access_token");
		assertThat(second).isEqualTo(first);
		assertThat(billing).isNotEqualTo(first);
		assertThat(rowCount(jdbc)).isEqualTo(rows);
		String metrics = this.gateway
			.get(flows.url("/actuator/prometheus"), "Authorization", "Bearer " + LanyardTestServer.METRICS_TOKEN)
			.body();
		assertThat(metrics).containsPattern("lanyard_exchanges_total\\{[^}]*outcome=\"issued\"[^}]*\\} [1-9]");
	}

	/** TX-01: only clients registered for the grant. */
	@Test
	void exchangeWhenClientNotRegisteredForGrantThenUnauthorizedClient() {
		HttpResponse<String> response = flows.token(this.gateway, "web-app", TestBootstrap.WEB_APP_SECRET,
				request(Map.of("subject_token", (String) aliceTokens.get("access_token"))));
		assertError(response, "unauthorized_client");
		HttpResponse<String> wrongSecret = flows.token(this.gateway, "gateway", "not-the-gateway-secret-not-the-secret",
				request(Map.of("subject_token", (String) aliceTokens.get("access_token"))));
		assertThat(wrongSecret.statusCode()).isEqualTo(401);
		assertThat(wrongSecret.body()).doesNotContain("access_token");
	}

	/**
	 * TX-02, TX-08: refresh tokens, ID tokens, JWTs, garbage, and client tokens give no
	 * JWT.
	 */
	@Test
	void exchangeWhenSubjectIsNotAUserAccessTokenThenRefused() {
		String internalJwt = (String) TestBrowser
			.json(exchange(Map.of("subject_token", (String) aliceTokens.get("access_token"))))
			.get("access_token");
		String clientToken = (String) TestBrowser
			.json(flows.token(this.gateway, "service", TestBootstrap.SERVICE_SECRET,
					Map.of("grant_type", "client_credentials")))
			.get("access_token");
		for (String subject : List.of((String) aliceTokens.get("refresh_token"), (String) aliceTokens.get("id_token"),
				internalJwt, "garbage", "lyat_never-issued", clientToken)) {
			HttpResponse<String> response = exchange(Map.of("subject_token", subject));
			assertThat(response.statusCode()).isEqualTo(400);
			assertThat((String) TestBrowser.json(response).get("error")).isIn("invalid_grant", "invalid_request");
			assertThat(response.body()).doesNotContain("access_token");
		}
		HttpResponse<String> refreshType = exchange(Map.of("subject_token", (String) aliceTokens.get("refresh_token"),
				"subject_token_type", "urn:ietf:params:oauth:token-type:refresh_token"));
		assertThat((String) TestBrowser.json(refreshType).get("error")).isIn("invalid_request",
				"unsupported_token_type");
	}

	/** TX-03: a revoked subject token. */
	@Test
	void exchangeWhenSubjectRevokedThenInvalidGrant() {
		String subject = (String) userTokens("openid").get("access_token");
		assertThat(exchange(Map.of("subject_token", subject)).statusCode()).isEqualTo(200);
		this.gateway.postForm(flows.url("/oauth2/revoke"), Map.of("token", subject), "Authorization",
				TestBrowser.basic("web-app", TestBootstrap.WEB_APP_SECRET));
		assertError(exchange(Map.of("subject_token", subject)), "invalid_grant");
	}

	/** TX-04: scope within the subject token's. */
	@Test
	void exchangeWhenScopeWiderThanSubjectThenInvalidScope() {
		String subject = (String) aliceTokens.get("access_token");
		assertError(exchange(Map.of("subject_token", subject, "scope", "openid admin")), "invalid_scope");
		HttpResponse<String> narrower = exchange(Map.of("subject_token", subject, "scope", "profile"));
		assertThat(narrower.statusCode()).isEqualTo(200);
		assertThat(TestBrowser.json(narrower).get("scope")).isEqualTo("profile");
	}

	/** TX-05: one allow-listed audience; the first configured one by default. */
	@Test
	void exchangeWhenAudienceNotAllowedOrSeveralThenInvalidTarget() {
		String subject = (String) aliceTokens.get("access_token");
		assertError(exchange(Map.of("subject_token", subject, "audience", "payments")), "invalid_target");
		assertError(exchange(Map.of("subject_token", subject, "resource", "https://internal.example/")),
				"invalid_target");
		String body = TestBrowser.form(request(Map.of("subject_token", subject)))
				+ "&audience=internal&audience=billing";
		HttpResponse<String> two = this.gateway
			.send(java.net.http.HttpRequest.newBuilder(URI.create(flows.url("/oauth2/token")))
				.header("Authorization", TestBrowser.basic("gateway", TestBootstrap.GATEWAY_SECRET))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
				.build());
		assertError(two, "invalid_target");
	}

	/** TX-07: oversized or repeated subject tokens; never another identity. */
	@Test
	void exchangeWhenSubjectOversizedOrRepeatedThenInvalidRequest() {
		for (int size : new int[] { 4096, 16384, 1024 * 1024 }) {
			HttpResponse<String> response = exchange(Map.of("subject_token", "lyat_" + "A".repeat(size)));
			assertThat(response.statusCode()).isIn(400, 413);
			assertThat(response.body()).doesNotContain("access_token");
		}
		String subject = (String) aliceTokens.get("access_token");
		String body = TestBrowser.form(request(Map.of("subject_token", subject))) + "&subject_token=" + subject;
		HttpResponse<String> repeated = this.gateway
			.send(java.net.http.HttpRequest.newBuilder(URI.create(flows.url("/oauth2/token")))
				.header("Authorization", TestBrowser.basic("gateway", TestBootstrap.GATEWAY_SECRET))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
				.build());
		assertError(repeated, "invalid_request");
	}

	/**
	 * Revoking a token publishes its hash on the revocation channel, for the gateways.
	 */
	@Test
	void revokeWhenTokenRevokedThenHashPublishedOnChannel() throws Exception {
		BlockingQueue<String> messages = new LinkedBlockingQueue<>();
		RedisMessageListenerContainer listener = new RedisMessageListenerContainer();
		listener.setConnectionFactory(server.bean(RedisConnectionFactory.class));
		String channel = server.bean(LanyardProperties.class).redis().keyPrefix() + "revocations";
		// Revocations only: the nodes' heartbeat comes every second beside them.
		listener.addMessageListener(
				(message, pattern) -> RevocationMessages.revocation(message.getBody()).ifPresent(messages::add),
				new ChannelTopic(channel));
		listener.afterPropertiesSet();
		listener.start();
		try {
			Thread.sleep(300);
			String subject = (String) userTokens("openid").get("access_token");
			this.gateway.postForm(flows.url("/oauth2/revoke"), Map.of("token", subject), "Authorization",
					TestBrowser.basic("web-app", TestBootstrap.WEB_APP_SECRET));
			String message = messages.poll(5, TimeUnit.SECONDS);
			assertThat(message).isNotNull().contains(TokenHash.of(subject)).doesNotContain(subject);

			// A mass revocation goes out in bounded messages, every hash in exactly one.
			List<String> many = java.util.stream.IntStream.range(0, 2500)
				.mapToObj((i) -> TokenHash.of("t" + i))
				.toList();
			server.bean(RevocationOutbox.class).add(many, List.of("sid"), "test", true);
			server.bean(RevocationChannel.class).relay();
			List<String> parts = new java.util.ArrayList<>();
			for (int i = 0; i < 3; i++) {
				parts.add(messages.poll(5, TimeUnit.SECONDS));
			}
			assertThat(messages.poll(500, TimeUnit.MILLISECONDS)).isNull();
			assertThat(parts).allSatisfy((part) -> assertThat(part).isNotNull());
			List<Object> published = parts.stream()
				.flatMap((part) -> ((List<?>) TestBrowser.json(part).get("token_hashes")).stream())
				.map(Object.class::cast)
				.toList();
			assertThat(published).hasSize(2500).containsExactlyInAnyOrderElementsOf(many);
		}
		finally {
			listener.stop();
			listener.destroy();
		}
	}

	private HttpResponse<String> exchange(Map<String, String> parameters) {
		return flows.token(this.gateway, "gateway", TestBootstrap.GATEWAY_SECRET, request(parameters));
	}

	private static Map<String, String> request(Map<String, String> parameters) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
		form.put("subject_token_type", ACCESS_TOKEN_TYPE);
		form.putAll(parameters);
		return form;
	}

	private static void assertError(HttpResponse<String> response, String error) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(TestBrowser.json(response).get("error")).isEqualTo(error);
	}

	private static long rowCount(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT count(*) FROM oauth_authorizations", Long.class);
	}

	private static Map<String, Object> userTokens(String scope) {
		TestBrowser browser = new TestBrowser();
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String redirect = flows.authorizeWithLogin(browser,
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, scope, "s", pkce), "alice",
				TestBootstrap.ALICE_PASSWORD);
		return TestBrowser.json(flows.redeemCode(new TestBrowser(), "web-app", TestBootstrap.WEB_APP_SECRET,
				TestBrowser.queryParameters(redirect).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier()));
	}

}
