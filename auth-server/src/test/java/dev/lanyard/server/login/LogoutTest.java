package dev.lanyard.server.login;

import java.net.http.HttpResponse;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RP-initiated logout (docs/SECURITY.md decision 6, OA-22, LG-13): works without
 * {@code id_token_hint}, asks for confirmation, redirects only to registered URIs, and
 * ends the tokens issued in the login session.
 */
class LogoutTest {

	private final OAuthFlows flows = SharedLanyard.flows();

	/** The refresh token of the last {@link #signInWithIdToken} grant. */
	private String lastRefreshToken;

	@Test
	void logoutWhenRequestedByClientWithoutIdTokenHintThenConfirmRevokeAndRedirect() {
		TestBrowser browser = new TestBrowser();
		TestBrowser client = new TestBrowser();
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String redirect = this.flows.authorizeWithLogin(browser,
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile", "s", pkce), "alice",
				TestBootstrap.ALICE_PASSWORD);
		Map<String, Object> tokens = TestBrowser
			.json(this.flows.redeemCode(client, "web-app", TestBootstrap.WEB_APP_SECRET,
					TestBrowser.queryParameters(redirect).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier()));

		HttpResponse<String> logout = browser.get(this.flows
			.url("/connect/logout?client_id=web-app&post_logout_redirect_uri=https://app.example.com/&state=bye"));
		assertThat(logout.statusCode()).isEqualTo(303);
		assertThat(TestBrowser.location(logout)).isEqualTo(this.flows.url("/logout"));
		HttpResponse<String> confirm = browser.get(this.flows.url("/logout"));
		assertThat(confirm.body()).contains("Web App asks you to sign out");
		// Nothing happened yet: the tokens still work until the user confirms.
		assertThat(this.flows
			.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET, (String) tokens.get("access_token"))
			.get("active")).isEqualTo(true);

		HttpResponse<String> withoutCsrf = browser.postForm(this.flows.url("/logout"), Map.of());
		assertThat(withoutCsrf.statusCode()).isEqualTo(403);

		HttpResponse<String> done = browser.postForm(this.flows.url("/logout"), TestBrowser.logoutForm(confirm.body()));
		assertThat(done.statusCode()).isEqualTo(303);
		assertThat(TestBrowser.location(done)).isEqualTo("https://app.example.com/?state=bye");
		assertThat(this.flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET,
				(String) tokens.get("access_token")))
			.isEqualTo(Map.of("active", false));
		assertThat(TestBrowser
			.json(this.flows.refresh(client, "web-app", TestBootstrap.WEB_APP_SECRET,
					(String) tokens.get("refresh_token")))
			.get("error")).isEqualTo("invalid_grant");
		// The login session is over.
		HttpResponse<String> again = browser.get(this.flows.authorizeUrl(OAuthFlows.codeRequest("web-app",
				TestBootstrap.REDIRECT_URI, "openid", "s", TestBrowser.Pkce.create())));
		assertThat(TestBrowser.location(again)).isEqualTo(this.flows.url("/login"));
	}

	@Test
	void logoutWhenIdTokenHintGivenThenClientFromHint() {
		TestBrowser browser = new TestBrowser();
		TestBrowser client = new TestBrowser();
		String idToken = signInWithIdToken(browser, client, "bob", TestBootstrap.BOB_PASSWORD);
		// The client refreshed since: its first ID token is no longer the grant's latest.
		Map<String, Object> refreshed = TestBrowser
			.json(this.flows.refresh(client, "web-app", TestBootstrap.WEB_APP_SECRET, this.lastRefreshToken));
		assertThat(refreshed.get("id_token")).isNotNull().isNotEqualTo(idToken);

		HttpResponse<String> logout = browser.get(this.flows
			.url("/connect/logout?id_token_hint=" + idToken + "&post_logout_redirect_uri=https://app.example.com/"));
		assertThat(TestBrowser.location(logout)).isEqualTo(this.flows.url("/logout"));
		HttpResponse<String> confirm = browser.get(this.flows.url("/logout"));
		HttpResponse<String> done = browser.postForm(this.flows.url("/logout"), TestBrowser.logoutForm(confirm.body()));
		assertThat(TestBrowser.location(done)).isEqualTo("https://app.example.com/");
	}

	/**
	 * A client's logout request left unanswered (the person stayed signed in) does not
	 * take over a later sign-out from elsewhere (the home page's): that one ends on the
	 * "signed out" page, not at the client with its old state. Any registered client
	 * could capture people's later sign-outs with one logout link.
	 */
	@Test
	void logoutWhenClientRequestLeftUnansweredThenLaterPlainSignOutEndsHere() {
		TestBrowser browser = new TestBrowser();
		TestBrowser client = new TestBrowser();
		String idToken = signInWithIdToken(browser, client, "bob", TestBootstrap.BOB_PASSWORD);
		HttpResponse<String> logout = browser.get(this.flows.url("/connect/logout?id_token_hint=" + idToken
				+ "&post_logout_redirect_uri=https://app.example.com/&state=stale"));
		assertThat(TestBrowser.location(logout)).isEqualTo(this.flows.url("/logout"));
		// Not confirmed: the person goes on, and later signs out from the home page.
		HttpResponse<String> home = browser.get(this.flows.url("/"));
		assertThat(home.statusCode()).isEqualTo(200);
		HttpResponse<String> done = browser.postForm(this.flows.url("/logout"),
				Map.of("_csrf", TestBrowser.csrf(home.body())));
		assertThat(TestBrowser.location(done)).endsWith("/logout/done").doesNotContain("app.example.com");
	}

	/** A hint must be this server's signed ID token for the signed-in user. */
	@Test
	void logoutWhenIdTokenHintForgedOrForAnotherUserThenErrorPage() throws Exception {
		TestBrowser alice = new TestBrowser();
		String aliceIdToken = signInWithIdToken(alice, new TestBrowser(), "alice", TestBootstrap.ALICE_PASSWORD);
		TestBrowser bob = new TestBrowser();
		this.flows.signIn(bob, "bob", TestBootstrap.BOB_PASSWORD);
		String[] parts = aliceIdToken.split("\\.");
		SignedJWT foreign = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(SignedJWT.parse(aliceIdToken).getHeader().getKeyID())
					.build(),
				SignedJWT.parse(aliceIdToken).getJWTClaimsSet());
		foreign.sign(new RSASSASigner(new RSAKeyGenerator(2048).generate()));
		for (String hint : new String[] { aliceIdToken, parts[0] + "." + parts[1] + ".AAAA", foreign.serialize(),
				parts[0] + "." + parts[1] + "." }) {
			HttpResponse<String> response = bob.get(this.flows
				.url("/connect/logout?id_token_hint=" + hint + "&post_logout_redirect_uri=https://app.example.com/"));
			assertThat(response.statusCode()).isEqualTo(400);
			assertThat(response.headers().firstValue("Location")).isEmpty();
		}
	}

	/**
	 * A hint must be an ID token: another token this server signs with the same keys (a
	 * back-channel logout token, sent to clients; an exchanged JWT) is refused, though
	 * its signature, issuer and subject hold. The same claims as an ID token are taken.
	 */
	@Test
	void logoutWhenHintIsAnotherKindOfThisServersTokenThenErrorPage() throws Exception {
		TestBrowser bob = new TestBrowser();
		this.flows.signIn(bob, "bob", TestBootstrap.BOB_PASSWORD);
		com.nimbusds.jose.jwk.RSAKey key = SharedLanyard.server()
			.bean(dev.lanyard.server.key.SigningKeyService.class)
			.activeSigningKey();
		com.nimbusds.jwt.JWTClaimsSet claims = new com.nimbusds.jwt.JWTClaimsSet.Builder()
			.issuer(SharedLanyard.server().baseUrl())
			.subject(SharedLanyard.userId("bob"))
			.audience("web-app")
			.issueTime(new java.util.Date())
			.build();
		for (String type : new String[] { "logout+jwt", "at+jwt", "JWT", null }) {
			JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID());
			if (type != null) {
				header.type(new com.nimbusds.jose.JOSEObjectType(type));
			}
			SignedJWT hint = new SignedJWT(header.build(), claims);
			hint.sign(new RSASSASigner(key));
			HttpResponse<String> response = bob.get(this.flows.url("/connect/logout?id_token_hint=" + hint.serialize()
					+ "&post_logout_redirect_uri=https://app.example.com/"));
			if (type == null || "JWT".equals(type)) {
				assertThat(TestBrowser.location(response)).as(String.valueOf(type))
					.isEqualTo(this.flows.url("/logout"));
			}
			else {
				assertThat(response.statusCode()).as(type).isEqualTo(400);
				assertThat(response.headers().firstValue("Location")).isEmpty();
			}
		}
	}

	/**
	 * A hint signed by a key no longer published (retired long enough ago to leave the
	 * JWKS, or withdrawn) cannot be checked: the person is still asked, signed out, and
	 * sent to Lanyard's "signed out" page (the redirect URI could not be tied to a client
	 * the request names). It was an error page, and the person stayed signed in.
	 */
	@Test
	void logoutWhenHintSignedByAKeyNoLongerPublishedThenConfirmedAndSignedOutHere() throws Exception {
		TestBrowser browser = new TestBrowser();
		String idToken = signInWithIdToken(browser, new TestBrowser(), "bob", TestBootstrap.BOB_PASSWORD);
		SignedJWT stale = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("retired-and-gone").build(),
				SignedJWT.parse(idToken).getJWTClaimsSet());
		stale.sign(new RSASSASigner(new RSAKeyGenerator(2048).generate()));
		HttpResponse<String> logout = browser.get(this.flows.url("/connect/logout?id_token_hint=" + stale.serialize()
				+ "&post_logout_redirect_uri=https://app.example.com/&state=s"));
		assertThat(TestBrowser.location(logout)).isEqualTo(this.flows.url("/logout"));
		HttpResponse<String> confirm = browser.get(this.flows.url("/logout"));
		HttpResponse<String> done = browser.postForm(this.flows.url("/logout"), TestBrowser.logoutForm(confirm.body()));
		assertThat(TestBrowser.location(done)).endsWith("/logout/done");
		assertThat(browser.get(this.flows.url("/account")).statusCode()).isEqualTo(302);
	}

	private String signInWithIdToken(TestBrowser browser, TestBrowser client, String username, String password) {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String redirect = this.flows.authorizeWithLogin(browser,
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s", pkce), username, password);
		Map<String, Object> tokens = TestBrowser
			.json(this.flows.redeemCode(client, "web-app", TestBootstrap.WEB_APP_SECRET,
					TestBrowser.queryParameters(redirect).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier()));
		this.lastRefreshToken = (String) tokens.get("refresh_token");
		return (String) tokens.get("id_token");
	}

	/** OA-22: an unregistered post-logout URI is never redirected to. */
	@Test
	void logoutWhenPostLogoutRedirectUriNotRegisteredThenErrorPageNoRedirect() {
		TestBrowser browser = new TestBrowser();
		this.flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD);
		for (String query : new String[] { "client_id=web-app&post_logout_redirect_uri=https://evil.example/",
				"post_logout_redirect_uri=https://app.example.com/",
				"client_id=nope&post_logout_redirect_uri=https://app.example.com/",
				"id_token_hint=forged.token.value&post_logout_redirect_uri=https://app.example.com/" }) {
			HttpResponse<String> response = browser.get(this.flows.url("/connect/logout?" + query));
			assertThat(response.statusCode()).as(query).isEqualTo(400);
			assertThat(response.headers().firstValue("Location")).as(query).isEmpty();
		}
		HttpResponse<String> logoutPage = browser
			.get(this.flows.url("/logout?post_logout_redirect_uri=https://evil.example/"));
		HttpResponse<String> done = browser.postForm(
				this.flows.url("/logout?post_logout_redirect_uri=https://evil.example/"),
				Map.of("_csrf", TestBrowser.csrf(logoutPage.body())));
		assertThat(TestBrowser.location(done)).isEqualTo(this.flows.url("/logout/done"));
	}

	@Test
	void logoutWhenNotSignedInThenStraightToClientOrDonePage() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> toClient = browser.get(this.flows
			.url("/connect/logout?client_id=web-app&post_logout_redirect_uri=https://app.example.com/&state=x"));
		assertThat(TestBrowser.location(toClient)).isEqualTo("https://app.example.com/?state=x");
		HttpResponse<String> plain = browser.get(this.flows.url("/connect/logout"));
		assertThat(TestBrowser.location(plain)).isEqualTo(this.flows.url("/logout/done"));
		assertThat(browser.get(this.flows.url("/logout/done")).body()).contains("You are signed out");
	}

}
