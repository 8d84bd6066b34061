package dev.lanyard.server.protocol;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole authorization-code story over real HTTP against PostgreSQL and Redis: login
 * form with CSRF, PKCE, code redemption, userinfo, introspection, refresh rotation and
 * reuse detection, code replay, revocation, client credentials.
 */
class AuthorizationCodeFlowTest {

	private static LanyardTestServer server;

	private static OAuthFlows flows;

	@BeforeAll
	static void startServer() {
		server = SharedLanyard.server();
		flows = SharedLanyard.flows();
	}

	@Test
	void authorizationCodeFlowWhenFollowedEndToEndThenEveryStepBehaves() {
		TestBrowser browser = new TestBrowser();
		TestBrowser client = new TestBrowser();
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String state = "st/ate?&=+ü";

		String redirect = flows.authorizeWithLogin(browser,
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile email", state, pkce),
				"alice", TestBootstrap.ALICE_PASSWORD);

		assertThat(redirect).startsWith(TestBootstrap.REDIRECT_URI + "?");
		Map<String, String> response = TestBrowser.queryParameters(redirect);
		assertThat(response.get("state")).isEqualTo(state);
		assertThat(response.get("iss")).isEqualTo(server.baseUrl());
		String code = response.get("code");
		assertThat(code).startsWith("lyac_").hasSizeGreaterThanOrEqualTo(48);

		HttpResponse<String> tokens = flows.redeemCode(client, "web-app", TestBootstrap.WEB_APP_SECRET, code,
				TestBootstrap.REDIRECT_URI, pkce.verifier());
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		assertThat(tokens.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
		Map<String, Object> body = TestBrowser.json(tokens);
		String accessToken = (String) body.get("access_token");
		String refreshToken = (String) body.get("refresh_token");
		assertThat(accessToken).startsWith("lyat_");
		assertThat(refreshToken).startsWith("lyrt_");
		Map<String, Object> idToken = TestBrowser.jwtClaims((String) body.get("id_token"));
		assertThat(idToken.get("iss")).isEqualTo(server.baseUrl());
		assertThat(idToken.get("aud")).isEqualTo("web-app");
		assertThat(idToken.get("sid")).isInstanceOf(String.class);
		assertThat(idToken.get("auth_time")).isInstanceOf(Number.class);
		// RFC 8176 §2: a password; OpenID Connect Core §2: the class it satisfies.
		assertThat(idToken).containsEntry("amr", List.of("pwd")).containsEntry("acr", "urn:lanyard:acr:single-factor");
		// The claims the scopes release are in the ID token too, as relying parties
		// expect.
		assertThat(idToken).containsEntry("preferred_username", "alice").containsEntry("email", "alice@example.com");
		assertThat(((Number) idToken.get("exp")).longValue() - ((Number) idToken.get("iat")).longValue())
			.isEqualTo(900);
		assertThat(body.get("token_type")).isEqualTo("Bearer");

		HttpResponse<String> userInfo = client.get(flows.url("/userinfo"), "Authorization", "Bearer " + accessToken);
		assertThat(userInfo.statusCode()).as(userInfo.body()).isEqualTo(200);
		Map<String, Object> claims = TestBrowser.json(userInfo);
		assertThat(claims.get("preferred_username")).isEqualTo("alice");
		assertThat(claims.get("email")).isEqualTo("alice@example.com");
		String subject = (String) claims.get("sub");
		assertThat(idToken.get("sub")).isEqualTo(subject);

		Map<String, Object> introspection = flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET,
				accessToken);
		assertThat(introspection.get("active")).isEqualTo(true);
		assertThat(introspection.get("sub")).isEqualTo(subject);
		assertThat(introspection.get("client_id")).isEqualTo("web-app");
		assertThat(introspection.get("scope")).isEqualTo("openid profile email");
		assertThat(introspection).containsKeys("exp", "aud", "iat");

		// Refresh rotates: a new refresh token, and the old one is spent.
		HttpResponse<String> refreshed = flows.refresh(client, "web-app", TestBootstrap.WEB_APP_SECRET, refreshToken);
		assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
		String rotatedRefreshToken = (String) TestBrowser.json(refreshed).get("refresh_token");
		String refreshedAccessToken = (String) TestBrowser.json(refreshed).get("access_token");
		assertThat(rotatedRefreshToken).isNotEqualTo(refreshToken);
		assertThat(
				flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET, refreshedAccessToken).get("active"))
			.isEqualTo(true);

		// Reuse of the rotated-away refresh token revokes the whole grant.
		HttpResponse<String> reuse = flows.refresh(client, "web-app", TestBootstrap.WEB_APP_SECRET, refreshToken);
		assertThat(reuse.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(reuse).get("error")).isEqualTo("invalid_grant");
		HttpResponse<String> afterReuse = flows.refresh(client, "web-app", TestBootstrap.WEB_APP_SECRET,
				rotatedRefreshToken);
		assertThat(TestBrowser.json(afterReuse).get("error")).isEqualTo("invalid_grant");
		assertThat(flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET, refreshedAccessToken))
			.isEqualTo(Map.of("active", false));

		// A replayed code is refused and revokes what was issued from it.
		TestBrowser.Pkce secondPkce = TestBrowser.Pkce.create();
		String secondRedirect = browserAuthorize(browser, secondPkce);
		String secondCode = TestBrowser.queryParameters(secondRedirect).get("code");
		Map<String, Object> secondTokens = TestBrowser.json(flows.redeemCode(client, "web-app",
				TestBootstrap.WEB_APP_SECRET, secondCode, TestBootstrap.REDIRECT_URI, secondPkce.verifier()));
		String secondAccessToken = (String) secondTokens.get("access_token");
		assertThat(flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET, secondAccessToken).get("active"))
			.isEqualTo(true);
		HttpResponse<String> replay = flows.redeemCode(client, "web-app", TestBootstrap.WEB_APP_SECRET, secondCode,
				TestBootstrap.REDIRECT_URI, secondPkce.verifier());
		assertThat(replay.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(replay).get("error")).isEqualTo("invalid_grant");
		assertThat(flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET, secondAccessToken))
			.isEqualTo(Map.of("active", false));
		assertThat(TestBrowser
			.json(flows.refresh(client, "web-app", TestBootstrap.WEB_APP_SECRET,
					(String) secondTokens.get("refresh_token")))
			.get("error")).isEqualTo("invalid_grant");

		// Revocation (RFC 7009) of a refresh token ends its access token too.
		TestBrowser.Pkce thirdPkce = TestBrowser.Pkce.create();
		String thirdCode = TestBrowser.queryParameters(browserAuthorize(browser, thirdPkce)).get("code");
		Map<String, Object> thirdTokens = TestBrowser.json(flows.redeemCode(client, "web-app",
				TestBootstrap.WEB_APP_SECRET, thirdCode, TestBootstrap.REDIRECT_URI, thirdPkce.verifier()));
		HttpResponse<String> revoked = client.postForm(flows.url("/oauth2/revoke"),
				Map.of("token", (String) thirdTokens.get("refresh_token"), "token_type_hint", "refresh_token"),
				"Authorization", TestBrowser.basic("web-app", TestBootstrap.WEB_APP_SECRET));
		assertThat(revoked.statusCode()).isEqualTo(200);
		assertThat(flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET,
				(String) thirdTokens.get("access_token")))
			.isEqualTo(Map.of("active", false));
		assertThat(client.get(flows.url("/userinfo"), "Authorization", "Bearer " + thirdTokens.get("access_token"))
			.statusCode()).isEqualTo(401);

		// Client credentials: an opaque token for the client itself.
		HttpResponse<String> clientCredentials = flows.token(client, "service", TestBootstrap.SERVICE_SECRET,
				Map.of("grant_type", "client_credentials", "scope", "reports.read"));
		assertThat(clientCredentials.statusCode()).as(clientCredentials.body()).isEqualTo(200);
		Map<String, Object> serviceToken = TestBrowser.json(clientCredentials);
		assertThat((String) serviceToken.get("access_token")).startsWith("lyat_");
		assertThat(serviceToken).doesNotContainKey("refresh_token");
		Map<String, Object> serviceIntrospection = flows.introspect(client, "service", TestBootstrap.SERVICE_SECRET,
				(String) serviceToken.get("access_token"));
		assertThat(serviceIntrospection.get("active")).isEqualTo(true);
		assertThat(serviceIntrospection.get("sub")).isEqualTo("service");
		assertThat(serviceIntrospection.get("scope")).isEqualTo("reports.read");
	}

	/**
	 * OpenID Connect Core §3.1.2.1: an authorization request may be POSTed; it goes
	 * through the login page like a GET and ends at the client with a code.
	 */
	@Test
	void authorizeWhenPostedThenContinuesThroughLoginToTheClient() {
		TestBrowser browser = new TestBrowser();
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		Map<String, String> request = OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile",
				"posted state", pkce);
		HttpResponse<String> start = browser.postForm(flows.url("/oauth2/authorize"), request);
		assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
		assertThat(TestBrowser.location(start)).isEqualTo(flows.url("/login"));
		HttpResponse<String> login = flows.signIn(browser, "alice", TestBootstrap.ALICE_PASSWORD);
		String resumed = TestBrowser.location(login);
		assertThat(resumed).startsWith(flows.url("/oauth2/authorize?"));
		HttpResponse<String> answer = browser.get(resumed);
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
		Map<String, String> response = TestBrowser.queryParameters(TestBrowser.location(answer));
		assertThat(TestBrowser.location(answer)).startsWith(TestBootstrap.REDIRECT_URI + "?");
		assertThat(response.get("state")).isEqualTo("posted state");
		assertThat(response.get("code")).startsWith("lyac_");
	}

	/**
	 * OpenID Connect Core §3.1.2.1: {@code prompt=login} and a {@code max_age} older than
	 * the sign-in take a signed-in person to the login page again, and the ID token then
	 * tells the fresh {@code auth_time}; a {@code max_age} the sign-in meets does not.
	 */
	@Test
	void authorizeWhenPromptLoginOrMaxAgeExceededThenSignInAgainWithFreshAuthTime() throws Exception {
		TestBrowser browser = new TestBrowser();
		TestBrowser client = new TestBrowser();
		TestBrowser.Pkce first = TestBrowser.Pkce.create();
		String firstCode = TestBrowser.queryParameters(flows.authorizeWithLogin(browser,
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "one", first), "alice",
				TestBootstrap.ALICE_PASSWORD))
			.get("code");
		long firstAuthTime = authTime(client, firstCode, first);

		// A sign-in that meets max_age: straight to the client.
		TestBrowser.Pkce fresh = TestBrowser.Pkce.create();
		Map<String, String> recent = OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "two",
				fresh);
		recent.put("max_age", "3600");
		HttpResponse<String> direct = browser.get(flows.authorizeUrl(recent));
		assertThat(TestBrowser.location(direct)).startsWith(TestBootstrap.REDIRECT_URI + "?");

		Thread.sleep(1100); // auth_time counts whole seconds
		for (String parameter : List.of("prompt=login", "max_age=0")) {
			TestBrowser.Pkce again = TestBrowser.Pkce.create();
			Map<String, String> request = OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid",
					"three", again);
			String[] pair = parameter.split("=");
			request.put(pair[0], pair[1]);
			HttpResponse<String> start = browser.get(flows.authorizeUrl(request));
			assertThat(TestBrowser.location(start)).as(parameter).isEqualTo(flows.url("/login"));
			HttpResponse<String> login = flows.signIn(browser, "alice", TestBootstrap.ALICE_PASSWORD);
			String resumed = TestBrowser.location(login);
			assertThat(resumed).startsWith(flows.url("/oauth2/authorize?")).doesNotContain("prompt=login");
			String location = TestBrowser.location(browser.get(resumed));
			assertThat(location).as(parameter).startsWith(TestBootstrap.REDIRECT_URI + "?");
			String code = TestBrowser.queryParameters(location).get("code");
			assertThat(authTime(client, code, again)).as(parameter).isGreaterThan(firstAuthTime);
		}
	}

	/**
	 * A person not signed in yet, asked with {@code prompt=login} or {@code max_age}: one
	 * sign-in meets it, and the request goes on to the client (it used to send them back
	 * to the login page after every sign-in).
	 */
	@Test
	void authorizeWhenPromptLoginOrMaxAgeAndNotSignedInThenOneSignInMeetsIt() {
		for (String parameter : List.of("prompt=login", "prompt=select_account", "max_age=0", "max_age=60")) {
			TestBrowser browser = new TestBrowser();
			TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
			Map<String, String> request = OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid",
					"first", pkce);
			String[] pair = parameter.split("=");
			request.put(pair[0], pair[1]);
			String callback = flows.authorizeWithLogin(browser, request, "alice", TestBootstrap.ALICE_PASSWORD);
			assertThat(callback).as(parameter).startsWith(TestBootstrap.REDIRECT_URI + "?");
			assertThat(TestBrowser.queryParameters(callback)).as(parameter).containsKey("code");
		}
	}

	private static long authTime(TestBrowser client, String code, TestBrowser.Pkce pkce) {
		HttpResponse<String> tokens = flows.redeemCode(client, "web-app", TestBootstrap.WEB_APP_SECRET, code,
				TestBootstrap.REDIRECT_URI, pkce.verifier());
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		return ((Number) TestBrowser.jwtClaims((String) TestBrowser.json(tokens).get("id_token")).get("auth_time"))
			.longValue();
	}

	private static String browserAuthorize(TestBrowser signedIn, TestBrowser.Pkce pkce) {
		HttpResponse<String> answer = signedIn.get(flows.authorizeUrl(
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile", "again", pkce)));
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
		return TestBrowser.location(answer);
	}

	/**
	 * OpenID Connect Core §5.4: each scope releases its standard claims, in userinfo and
	 * in the ID token; a scope not asked for releases nothing (alice has an e-mail, but
	 * {@code email} is not requested here).
	 */
	@Test
	void userinfoWhenProfileAddressAndPhoneGrantedThenTheirStandardClaimsOnly() {
		TestBrowser browser = new TestBrowser();
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String callback = flows.authorizeWithLogin(browser, OAuthFlows.codeRequest("web-app",
				TestBootstrap.REDIRECT_URI, "openid profile address phone", "claims", pkce), "alice",
				TestBootstrap.ALICE_PASSWORD);
		Map<String, Object> tokens = TestBrowser.json(flows.redeemCode(browser, "web-app", TestBootstrap.WEB_APP_SECRET,
				TestBrowser.queryParameters(callback).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier()));
		Map<String, Object> userInfo = TestBrowser
			.json(browser.get(flows.url("/userinfo"), "Authorization", "Bearer " + tokens.get("access_token")));

		Map<String, Object> expected = Map.of("given_name", "Alice", "family_name", "Liddell", "locale", "en-GB",
				"zoneinfo", "Europe/London", "phone_number", "+44 1865 000000", "phone_number_verified", true,
				"address", Map.of("locality", "Oxford", "country", "GB"));
		assertThat(userInfo).containsAllEntriesOf(expected)
			.containsEntry("preferred_username", "alice")
			.doesNotContainKeys("email", "email_verified");
		assertThat(TestBrowser.jwtClaims((String) tokens.get("id_token"))).containsAllEntriesOf(expected)
			.doesNotContainKeys("email", "email_verified");
	}

	/**
	 * OA-52, OpenID Connect Core §5.5: single claims asked for by name go where they were
	 * asked for (given_name in the ID token, the address at userinfo) although only
	 * {@code openid} was requested, because web-app is registered for their scopes and
	 * needs no consent; a claim of a scope it is not registered for (none here: nothing
	 * else is released) stays out.
	 */
	@Test
	void claimsParameterWhenClaimsAskedByNameThenReleasedWhereAsked() {
		TestBrowser browser = new TestBrowser();
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		Map<String, String> request = OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "by-name",
				pkce);
		request.put("claims", """
				{"id_token":{"given_name":{"essential":true},"acr":null},
				 "userinfo":{"address":null,"nickname":null},"other":{"x":1}}""");
		String callback = flows.authorizeWithLogin(browser, request, "alice", TestBootstrap.ALICE_PASSWORD);
		Map<String, Object> tokens = TestBrowser.json(flows.redeemCode(browser, "web-app", TestBootstrap.WEB_APP_SECRET,
				TestBrowser.queryParameters(callback).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier()));

		Map<String, Object> idToken = TestBrowser.jwtClaims((String) tokens.get("id_token"));
		assertThat(idToken).containsEntry("given_name", "Alice")
			.doesNotContainKeys("family_name", "address", "preferred_username", "email");
		Map<String, Object> userInfo = TestBrowser
			.json(browser.get(flows.url("/userinfo"), "Authorization", "Bearer " + tokens.get("access_token")));
		assertThat(userInfo).containsEntry("address", Map.of("locality", "Oxford", "country", "GB"))
			.doesNotContainKeys("given_name", "nickname", "preferred_username", "email");
	}

}
