package dev.lanyard.server.protocol;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import javax.sql.DataSource;

import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Rules of the token endpoint and client authentication (docs/SECURITY.md §1b). */
class TokenEndpointTest {

	private static OAuthFlows flows;

	private static TestBrowser signedIn;

	private final TestBrowser client = new TestBrowser();

	@BeforeAll
	static void signIn() {
		flows = SharedLanyard.flows();
		signedIn = new TestBrowser();
		assertThat(flows.signIn(signedIn, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
	}

	/** OA-12 and unknown grants. */
	@Test
	void tokenWhenPasswordOrUnknownGrantThenUnsupportedGrantType() {
		for (String grant : new String[] { "password", "implicit", "urn:example:unknown", "" }) {
			HttpResponse<String> response = flows.token(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
					Map.of("grant_type", grant, "username", "bob", "password", TestBootstrap.BOB_PASSWORD));
			assertThat(response.statusCode()).as(grant).isEqualTo(400);
			assertThat(TestBrowser.json(response).get("error")).as(grant)
				.isIn("unsupported_grant_type", "invalid_request");
			assertThat(response.body()).doesNotContain("access_token");
		}
	}

	/** OA-13: a grant the client is not registered for. */
	@Test
	void tokenWhenClientNotRegisteredForGrantThenUnauthorizedClient() {
		HttpResponse<String> response = flows.token(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
				Map.of("grant_type", "client_credentials"));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(response).get("error")).isEqualTo("unauthorized_client");
	}

	/** OA-32: a wrong secret over HTTP Basic. */
	@Test
	void tokenWhenWrongSecretThen401WithBasicChallenge() {
		for (String[] credentials : new String[][] { { "service", "wrong-secret-wrong-secret-wrong-secret" },
				{ "no-such-client", TestBootstrap.SERVICE_SECRET } }) {
			HttpResponse<String> response = flows.token(this.client, credentials[0], credentials[1],
					Map.of("grant_type", "client_credentials"));
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Basic");
			assertThat(TestBrowser.json(response)).isEqualTo(Map.of("error", "invalid_client"));
		}
		HttpResponse<String> post = this.client.postForm(flows.url("/oauth2/token"), Map.of("grant_type",
				"client_credentials", "client_id", "service", "client_secret", "wrong-secret-wrong-secret-wrong"));
		assertThat(post.statusCode()).isEqualTo(401);
		assertThat(TestBrowser.json(post).get("error")).isEqualTo("invalid_client");
	}

	/** OA-33: no caching of token responses, success or error. */
	@Test
	void tokenWhenAnsweredThenNoStore() {
		HttpResponse<String> success = flows.token(this.client, "service", TestBootstrap.SERVICE_SECRET,
				Map.of("grant_type", "client_credentials"));
		HttpResponse<String> error = flows.token(this.client, "service", TestBootstrap.SERVICE_SECRET,
				Map.of("grant_type", "password"));
		for (HttpResponse<String> response : java.util.List.of(success, error)) {
			assertThat(response.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
			assertThat(response.headers().firstValue("Pragma").orElse("")).isEqualTo("no-cache");
			assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
		}
	}

	/** OA-34: GET, and credentials in the query string, never give a token. */
	@Test
	void tokenWhenGetThenMethodNotAllowed() {
		HttpResponse<String> response = this.client
			.get(flows.url("/oauth2/token?grant_type=client_credentials&client_id=service&client_secret="
					+ TestBootstrap.SERVICE_SECRET));
		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.body()).doesNotContain("access_token");
		// Every other method too, at every endpoint that takes only POST: 405 naming POST
		// (they were refused as a cross-site request, 403 access_denied).
		for (String endpoint : new String[] { "/oauth2/token", "/oauth2/introspect", "/oauth2/revoke" }) {
			for (String method : new String[] { "PUT", "DELETE", "PATCH" }) {
				HttpResponse<String> other = this.client.send(java.net.http.HttpRequest
					.newBuilder(java.net.URI.create(flows.url(endpoint)))
					.method(method, java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.build());
				assertThat(other.statusCode()).as(method + " " + endpoint).isEqualTo(405);
				assertThat(other.headers().firstValue("Allow")).hasValue("POST");
			}
		}
	}

	@Test
	void tokenWhenBodyMalformedThenOAuthErrorNot500() {
		String[] bodies = { "{\"grant_type\":\"client_credentials\"}", "%%%&&&===", "grant_type",
				"a=" + "x".repeat(100_000) };
		for (String body : bodies) {
			HttpResponse<String> response = this.client
				.send(HttpRequest.newBuilder(URI.create(flows.url("/oauth2/token")))
					.header("Authorization", TestBrowser.basic("service", TestBootstrap.SERVICE_SECRET))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString(body))
					.build());
			assertThat(response.statusCode()).as(body.substring(0, Math.min(20, body.length()))).isBetween(400, 499);
			assertThat(response.body()).doesNotContain("Exception").doesNotContain("access_token");
		}
		HttpResponse<String> json = this.client.send(HttpRequest.newBuilder(URI.create(flows.url("/oauth2/token")))
			.header("Authorization", TestBrowser.basic("service", TestBootstrap.SERVICE_SECRET))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}"))
			.build());
		assertThat(json.statusCode()).isBetween(400, 499);
	}

	/** OA-08: wrong, missing or foreign code_verifier. */
	@Test
	void tokenWhenCodeVerifierWrongOrMissingThenInvalidGrant() {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String code = code(pkce);
		HttpResponse<String> wrong = flows.redeemCode(this.client, "web-app", TestBootstrap.WEB_APP_SECRET, code,
				TestBootstrap.REDIRECT_URI, TestBrowser.Pkce.create().verifier());
		assertThat(TestBrowser.json(wrong).get("error")).isEqualTo("invalid_grant");
		HttpResponse<String> missing = flows.token(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
				Map.of("grant_type", "authorization_code", "code", code(TestBrowser.Pkce.create()), "redirect_uri",
						TestBootstrap.REDIRECT_URI));
		assertThat(missing.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(missing).get("error")).isIn("invalid_grant", "invalid_request");
	}

	/** OA-30, OA-31: another client's code, or another redirect URI. */
	@Test
	void tokenWhenCodeOfAnotherClientOrOtherRedirectUriThenInvalidGrant() {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		HttpResponse<String> otherClient = flows.redeemCode(this.client, "consenting-app", TestBootstrap.WEB_APP_SECRET,
				code(pkce), TestBootstrap.REDIRECT_URI, pkce.verifier());
		assertThat(TestBrowser.json(otherClient).get("error")).isEqualTo("invalid_grant");
		TestBrowser.Pkce second = TestBrowser.Pkce.create();
		HttpResponse<String> otherRedirect = flows.redeemCode(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
				code(second), "https://app.example.com/other", second.verifier());
		assertThat(TestBrowser.json(otherRedirect).get("error")).isEqualTo("invalid_grant");
		TestBrowser.Pkce third = TestBrowser.Pkce.create();
		HttpResponse<String> noRedirect = flows.token(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
				Map.of("grant_type", "authorization_code", "code", code(third), "code_verifier", third.verifier()));
		assertThat(TestBrowser.json(noRedirect).get("error")).isEqualTo("invalid_grant");
	}

	/** OA-37, OA-38: a refresh token used by another client, or for more scope. */
	@Test
	void refreshWhenOtherClientOrWiderScopeThenRefused() {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		Map<String, Object> tokens = TestBrowser.json(flows.redeemCode(this.client, "web-app",
				TestBootstrap.WEB_APP_SECRET, code(pkce), TestBootstrap.REDIRECT_URI, pkce.verifier()));
		String refreshToken = (String) tokens.get("refresh_token");
		HttpResponse<String> otherClient = flows.refresh(this.client, "consenting-app", TestBootstrap.WEB_APP_SECRET,
				refreshToken);
		assertThat(TestBrowser.json(otherClient).get("error")).isIn("invalid_grant", "unauthorized_client");
		HttpResponse<String> wider = flows.token(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
				Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "scope", "openid profile email"));
		assertThat(TestBrowser.json(wider).get("error")).isEqualTo("invalid_scope");
		HttpResponse<String> narrower = flows.token(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
				Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "scope", "openid"));
		assertThat(narrower.statusCode()).as(narrower.body()).isEqualTo(200);
		assertThat(TestBrowser.json(narrower).get("scope")).isEqualTo("openid");
	}

	/**
	 * Public clients: PKCE instead of a secret, and rotating refresh tokens (RFC 9700
	 * §4.14.2).
	 */
	@Test
	void publicClientWhenCodeAndRefreshThenTokensWithoutSecret() {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String redirectUri = "http://127.0.0.1:8765/callback";
		String location = TestBrowser.location(signedIn
			.get(flows.authorizeUrl(OAuthFlows.codeRequest("spa", redirectUri, "openid profile", "s", pkce))));
		String code = TestBrowser.queryParameters(location).get("code");
		HttpResponse<String> tokens = this.client.postForm(flows.url("/oauth2/token"),
				Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri, "code_verifier",
						pkce.verifier(), "client_id", "spa"));
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		String refreshToken = (String) TestBrowser.json(tokens).get("refresh_token");
		assertThat(refreshToken).startsWith("lyrt_");
		HttpResponse<String> refreshed = this.client.postForm(flows.url("/oauth2/token"),
				Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", "spa"));
		assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
		assertThat(TestBrowser.json(refreshed).get("refresh_token")).isNotEqualTo(refreshToken);
		HttpResponse<String> byOtherClient = this.client.postForm(flows.url("/oauth2/token"),
				Map.of("grant_type", "refresh_token", "refresh_token",
						(String) TestBrowser.json(refreshed).get("refresh_token"), "client_id", "web-app"));
		assertThat(byOtherClient.statusCode()).isEqualTo(401);

		// A public client may not introspect (RFC 7662 §2.1 wants client authentication),
		// whatever parameters it adds to look like a refresh request.
		String accessToken = (String) TestBrowser.json(refreshed).get("access_token");
		String latestRefreshToken = (String) TestBrowser.json(refreshed).get("refresh_token");
		HttpResponse<String> introspection = this.client.postForm(flows.url("/oauth2/introspect"),
				Map.of("token", accessToken, "client_id", "spa", "grant_type", "refresh_token"));
		assertThat(introspection.statusCode()).isEqualTo(401);
		assertThat(introspection.body()).doesNotContain("active");

		// It may revoke its own tokens with its client_id (RFC 7009 §2.1), for sign-out.
		HttpResponse<String> revocation = this.client.postForm(flows.url("/oauth2/revoke"),
				Map.of("token", latestRefreshToken, "client_id", "spa"));
		assertThat(revocation.statusCode()).as(revocation.body()).isEqualTo(200);
		assertThat(flows.introspect(this.client, "web-app", TestBootstrap.WEB_APP_SECRET, accessToken))
			.isEqualTo(Map.of("active", false));
		assertThat(
				this.client
					.postForm(flows.url("/oauth2/token"),
							Map.of("grant_type", "refresh_token", "refresh_token", latestRefreshToken, "client_id",
									"spa"))
					.statusCode())
			.isEqualTo(400);
	}

	/**
	 * A multipart body is not read (RFC 6749 §3.2: the token request is form-encoded):
	 * Lanyard takes no uploads, and parsing one wrote its parts to temporary files, up to
	 * 10 MB a request, past the 64 KB form limit. One over 64 KB is refused before it is
	 * read (413, HD-01), a smaller one is not a token request (400).
	 */
	@Test
	void tokenWhenMultipartBodyThenNotRead() {
		assertThat(multipartTokenRequest(200_000).statusCode()).isEqualTo(413);
		HttpResponse<String> small = multipartTokenRequest(2_000);
		assertThat(small.statusCode()).as(small.body()).isEqualTo(400);
		assertThat(small.body()).doesNotContain("access_token");
	}

	private HttpResponse<String> multipartTokenRequest(int size) {
		String boundary = "lanyard-test-boundary";
		String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\n"
				+ "client_credentials\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"upload\"; "
				+ "filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n" + "x".repeat(size) + "\r\n--"
				+ boundary + "--\r\n";
		return this.client.send(HttpRequest.newBuilder(URI.create(flows.url("/oauth2/token")))
			.header("Authorization",
					"Basic " + java.util.Base64.getEncoder()
						.encodeToString(("service:" + TestBootstrap.SERVICE_SECRET).getBytes()))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	/**
	 * A grant that outlived its user's access (disabled by hand, no revocation) is not
	 * renewed.
	 */
	@Test
	void refreshWhenUserDisabledSinceThenInvalidGrant() {
		String username = "refresh-" + java.util.UUID.randomUUID();
		String password = "a-password-for-refresh-tests";
		SharedLanyard.server()
			.bean(UserService.class)
			.create(username, null, password, true, false, java.util.List.of("user"), Map.of(), Map.of());
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String redirect = flows.authorizeWithLogin(new TestBrowser(),
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", pkce), username, password);
		Map<String, Object> tokens = TestBrowser
			.json(flows.redeemCode(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
					TestBrowser.queryParameters(redirect).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier()));
		String refreshToken = (String) tokens.get("refresh_token");
		new JdbcTemplate(SharedLanyard.server().bean(DataSource.class))
			.update("UPDATE users SET enabled = false WHERE username = ?", username);

		HttpResponse<String> refreshed = flows.refresh(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
				refreshToken);

		assertThat(refreshed.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(refreshed).get("error")).isEqualTo("invalid_grant");
	}

	/**
	 * Ending sign-ins revokes their grants, but a grant being issued in that moment (its
	 * row written after the revocation's statement read the table) escaped it: here the
	 * end is written without a revocation, as such a grant sees it. Its code is not
	 * redeemed after an end of every sign-in, nor its refresh token renewed once its
	 * sign-in session was signed out; a sign-in after the end is not touched.
	 */
	@Test
	void redeemAndRefreshWhenTheirSignInEndedWithoutRevokingThemThenInvalidGrant() {
		String username = "ended-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		String password = "a-password-for-ended-sign-ins";
		java.util.UUID id = SharedLanyard.server()
			.bean(UserService.class)
			.create(username, null, password, true, false, java.util.List.of("user"), Map.of(), Map.of())
			.id();
		JdbcTemplate database = new JdbcTemplate(SharedLanyard.server().bean(DataSource.class));
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String before = flows.authorizeWithLogin(new TestBrowser(),
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", pkce), username, password);
		// Stamped a minute behind the clock of the node that signed the person in (the
		// database's, or an older node's, behind): told apart by identity, not by time.
		database.update("UPDATE users SET sign_ins_not_before = now() - interval '1 minute' WHERE id = ?", id);

		HttpResponse<String> escaped = flows.redeemCode(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
				TestBrowser.queryParameters(before).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier());
		assertThat(escaped.statusCode()).as(escaped.body()).isEqualTo(400);
		assertThat(TestBrowser.json(escaped).get("error")).isEqualTo("invalid_grant");

		// A later end stamped a minute ahead: a sign-in after it is not touched either.
		database.update("UPDATE users SET sign_ins_not_before = now() + interval '1 minute' WHERE id = ?", id);
		TestBrowser.Pkce again = TestBrowser.Pkce.create();
		String after = flows.authorizeWithLogin(new TestBrowser(),
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", again), username,
				password);
		HttpResponse<String> redeemed = flows.redeemCode(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
				TestBrowser.queryParameters(after).get("code"), TestBootstrap.REDIRECT_URI, again.verifier());
		assertThat(redeemed.statusCode()).as("a sign-in after the end").isEqualTo(200);
		HttpResponse<String> renewed = flows.refresh(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
				(String) TestBrowser.json(redeemed).get("refresh_token"));
		assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
		String refreshToken = (String) TestBrowser.json(renewed).get("refresh_token");
		database.update("UPDATE sign_in_sessions SET ended_at = now() WHERE user_id = ? AND ended_at IS NULL", id);

		HttpResponse<String> signedOut = flows.refresh(this.client, "web-app", TestBootstrap.WEB_APP_SECRET,
				refreshToken);
		assertThat(signedOut.statusCode()).as(signedOut.body()).isEqualTo(400);
		assertThat(TestBrowser.json(signedOut).get("error")).isEqualTo("invalid_grant");
	}

	/**
	 * A scope taken from a client ends the grants that hold it at their next refresh
	 * (they went on issuing it for the refresh token's life); a grant within what the
	 * client may still obtain is renewed.
	 */
	@Test
	void refreshWhenScopeTakenFromClientSinceThenInvalidGrant() {
		String clientId = "narrowed-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		String secret = "a-secret-of-the-narrowed-client-0123456789";
		ClientService clients = SharedLanyard.server().bean(ClientService.class);
		clients.register(narrowable(clientId, secret, java.util.Set.of("openid", "email")));
		String wide = refreshTokenOf(clientId, secret, "openid email");
		String narrow = refreshTokenOf(clientId, secret, "openid");

		clients.update(clientId, narrowable(clientId, null, java.util.Set.of("openid")));

		HttpResponse<String> refused = flows.refresh(this.client, clientId, secret, wide);
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(refused).get("error")).isEqualTo("invalid_grant");
		HttpResponse<String> renewed = flows.refresh(this.client, clientId, secret, narrow);
		assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
	}

	/**
	 * A scope taken from a client counts for none of its access tokens from then on: the
	 * token's introspection and its exchange at the gateway leave it out (the admin API
	 * and /userinfo already did), where it counted until the token expired.
	 */
	@Test
	void introspectAndExchangeWhenScopeTakenFromClientSinceThenLeftOut() {
		String clientId = "narrowed-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		String secret = "a-secret-of-the-narrowed-client-0123456789";
		ClientService clients = SharedLanyard.server().bean(ClientService.class);
		clients.register(narrowable(clientId, secret, java.util.Set.of("openid", "email")));
		String accessToken = (String) tokensOf(clientId, secret, "openid email").get("access_token");
		assertThat(((String) flows.introspect(this.client, clientId, secret, accessToken).get("scope")).split(" "))
			.containsExactlyInAnyOrder("openid", "email");
		HttpResponse<String> before = flows.exchangeAtGateway(accessToken);
		assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
		assertThat(((String) TestBrowser.json(before).get("scope")).split(" ")).contains("email");

		clients.update(clientId, narrowable(clientId, null, java.util.Set.of("openid")));

		Map<String, Object> introspected = flows.introspect(this.client, clientId, secret, accessToken);
		assertThat(introspected).containsEntry("active", true).containsEntry("scope", "openid");
		HttpResponse<String> after = flows.exchangeAtGateway(accessToken);
		assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
		assertThat(TestBrowser.json(after).get("scope")).isEqualTo("openid");
	}

	private static ClientRegistration narrowable(String clientId, String secret, java.util.Set<String> scopes) {
		return new ClientRegistration(clientId, "Narrowed", null, false, secret, null, null, null,
				java.util.List.of(TestBootstrap.REDIRECT_URI), java.util.List.of(),
				java.util.Set.of("authorization_code", "refresh_token"), scopes, true, false, null, null, null,
				java.util.List.of(), null, null, null, null, null, null, true);
	}

	private String refreshTokenOf(String clientId, String secret, String scope) {
		return (String) tokensOf(clientId, secret, scope).get("refresh_token");
	}

	private Map<String, Object> tokensOf(String clientId, String secret, String scope) {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String redirect = TestBrowser.location(signedIn
			.get(flows.authorizeUrl(OAuthFlows.codeRequest(clientId, TestBootstrap.REDIRECT_URI, scope, "s", pkce))));
		Map<String, Object> tokens = TestBrowser.json(flows.redeemCode(this.client, clientId, secret,
				TestBrowser.queryParameters(redirect).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier()));
		assertThat(((String) tokens.get("scope")).split(" ")).containsExactlyInAnyOrder(scope.split(" "));
		return tokens;
	}

	/** A public client cannot skip PKCE (RFC 9700 §2.1.1). */
	@Test
	void publicClientWhenNoCodeVerifierThenRefused() {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String redirectUri = "http://127.0.0.1:8765/callback";
		String code = TestBrowser
			.queryParameters(TestBrowser.location(
					signedIn.get(flows.authorizeUrl(OAuthFlows.codeRequest("spa", redirectUri, "openid", "s", pkce)))))
			.get("code");
		HttpResponse<String> response = this.client.postForm(flows.url("/oauth2/token"), Map.of("grant_type",
				"authorization_code", "code", code, "redirect_uri", redirectUri, "client_id", "spa"));
		assertThat(response.statusCode()).isIn(400, 401);
		assertThat(response.body()).doesNotContain("access_token");
	}

	/**
	 * OA-09, RFC 9700 §4.8.2: a code issued without a challenge (a confidential client
	 * with PKCE off) is not redeemed with a {@code code_verifier}, so an attacker cannot
	 * inject it into a session that uses PKCE; without one it is.
	 */
	@Test
	void tokenWhenCodeIssuedWithoutChallengeAndVerifierSentThenInvalidGrant() {
		String clientId = "no-pkce-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		SharedLanyard.server().bean(ClientService.class).importClient(confidentialClient(clientId, false, true));
		String withVerifier = codeWithoutChallenge(clientId);
		String withoutVerifier = codeWithoutChallenge(clientId);

		HttpResponse<String> downgraded = flows.redeemCode(this.client, clientId, TestBootstrap.WEB_APP_SECRET,
				withVerifier, TestBootstrap.REDIRECT_URI, TestBrowser.Pkce.create().verifier());
		HttpResponse<String> plain = flows.token(this.client, clientId, TestBootstrap.WEB_APP_SECRET,
				Map.of("grant_type", "authorization_code", "code", withoutVerifier, "redirect_uri",
						TestBootstrap.REDIRECT_URI));

		assertThat(downgraded.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(downgraded).get("error")).isEqualTo("invalid_grant");
		assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
	}

	/**
	 * OA-40: disabling a client revokes what it holds (its access tokens introspect as
	 * inactive, its refresh tokens are refused) and it gets no new token.
	 */
	@Test
	void clientWhenDisabledThenItsTokensRevokedAndNoNewOnes() {
		String clientId = "disabled-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		ClientService clients = SharedLanyard.server().bean(ClientService.class);
		clients.importClient(confidentialClient(clientId, true, true));
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String code = TestBrowser
			.queryParameters(TestBrowser.location(signedIn.get(flows
				.authorizeUrl(OAuthFlows.codeRequest(clientId, TestBootstrap.REDIRECT_URI, "openid", "s", pkce)))))
			.get("code");
		Map<String, Object> tokens = TestBrowser.json(flows.redeemCode(this.client, clientId,
				TestBootstrap.WEB_APP_SECRET, code, TestBootstrap.REDIRECT_URI, pkce.verifier()));
		String accessToken = (String) tokens.get("access_token");
		assertThat(flows.introspect(this.client, "gateway", TestBootstrap.GATEWAY_SECRET, accessToken).get("active"))
			.isEqualTo(true);

		clients.update(clientId, confidentialClient(clientId, true, false));

		assertThat(flows.introspect(this.client, "gateway", TestBootstrap.GATEWAY_SECRET, accessToken))
			.isEqualTo(Map.of("active", false));
		HttpResponse<String> refreshed = flows.refresh(this.client, clientId, TestBootstrap.WEB_APP_SECRET,
				(String) tokens.get("refresh_token"));
		assertThat(refreshed.statusCode()).isIn(400, 401);
		assertThat(refreshed.body()).doesNotContain("access_token");
		HttpResponse<String> exchanged = flows.exchangeAtGateway(accessToken);
		assertThat(exchanged.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(exchanged).get("error")).isEqualTo("invalid_grant");
	}

	private static String codeWithoutChallenge(String clientId) {
		Map<String, String> request = new java.util.LinkedHashMap<>(
				OAuthFlows.codeRequest(clientId, TestBootstrap.REDIRECT_URI, "openid", "s", TestBrowser.Pkce.create()));
		request.remove("code_challenge");
		request.remove("code_challenge_method");
		String location = TestBrowser.location(signedIn.get(flows.authorizeUrl(request)));
		assertThat(TestBrowser.queryParameters(location)).as(location).containsKey("code");
		return TestBrowser.queryParameters(location).get("code");
	}

	private static ClientRegistration confidentialClient(String clientId, boolean requirePkce, boolean enabled) {
		return new ClientRegistration(clientId, null, false, TestBootstrap.WEB_APP_SECRET, null, null, null,
				java.util.List.of(TestBootstrap.REDIRECT_URI), java.util.List.of(),
				java.util.Set.of("authorization_code", "refresh_token"), java.util.Set.of("openid"), requirePkce, false,
				null, null, null, java.util.List.of(), null, null, null, null, null, null, enabled);
	}

	private static String code(TestBrowser.Pkce pkce) {
		String location = TestBrowser.location(signedIn.get(flows
			.authorizeUrl(OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile", "s", pkce))));
		return TestBrowser.queryParameters(location).get("code");
	}

}
