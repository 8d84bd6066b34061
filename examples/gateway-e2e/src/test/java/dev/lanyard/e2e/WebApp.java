package dev.lanyard.e2e;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.lanyard.e2e.E2eHttp.basic;
import static dev.lanyard.e2e.E2eHttp.encode;
import static dev.lanyard.e2e.E2eHttp.form;
import static dev.lanyard.e2e.E2eHttp.post;
import static dev.lanyard.e2e.E2eHttp.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A confidential web app registered at Lanyard ({@code authorization_code} with PKCE and
 * {@code refresh_token}), signing people in through the login page as their browser
 * would.
 *
 * @param issuer Lanyard's URL
 * @param clientId the app's client id
 * @param secret the app's client secret
 * @param redirectUri its registered redirect URI
 */
record WebApp(String issuer, String clientId, String secret, String redirectUri) {

	/**
	 * A person signed in through the login page, and the tokens the web app got for them.
	 */
	record Session(HttpClient browser, String accessToken, String refreshToken) {
	}

	Session signIn(String username, String password) throws Exception {
		return signIn(username, password, new String[0]);
	}

	/**
	 * Signs a person in; the code is redeemed with these extra headers (name, value …), a
	 * DPoP proof for instance.
	 */
	Session signIn(String username, String password, String... tokenRequestHeaders) throws Exception {
		HttpClient browser = HttpClient.newBuilder()
			.cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		String challenge = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
		String authorize = this.issuer + "/oauth2/authorize?response_type=code&client_id=" + encode(this.clientId)
				+ "&scope=" + encode("openid profile") + "&state=e2e&redirect_uri=" + encode(this.redirectUri)
				+ "&code_challenge=" + challenge + "&code_challenge_method=S256";
		send(browser, HttpRequest.newBuilder(URI.create(authorize)).build());
		String page = send(browser, HttpRequest.newBuilder(URI.create(this.issuer + "/login")).build()).body();
		Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
		assertThat(csrf.find()).isTrue();
		HttpResponse<String> login = send(browser,
				HttpRequest.newBuilder(URI.create(this.issuer + "/login"))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers
						.ofString(form(Map.of("username", username, "password", password, "_csrf", csrf.group(1)))))
					.build());
		String resumed = URI.create(this.issuer)
			.resolve(login.headers().firstValue("Location").orElseThrow())
			.toString();
		HttpResponse<String> answer = send(browser, HttpRequest.newBuilder(URI.create(resumed)).build());
		String location = answer.headers().firstValue("Location").orElseThrow();
		Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
		assertThat(code.find()).as(location).isTrue();
		HttpResponse<String> tokens = post(
				this.issuer + "/oauth2/token", Map.of("grant_type", "authorization_code", "code", code.group(1),
						"redirect_uri", this.redirectUri, "code_verifier", verifier),
				basic(this.clientId, this.secret), tokenRequestHeaders);
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		Map<String, Object> body = E2eHttp.json(tokens.body());
		return new Session(browser, (String) body.get("access_token"), (String) body.get("refresh_token"));
	}

	Map<String, Object> refresh(String refreshToken) throws Exception {
		HttpResponse<String> refreshed = post(this.issuer + "/oauth2/token",
				Map.of("grant_type", "refresh_token", "refresh_token", refreshToken),
				basic(this.clientId, this.secret));
		assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
		return E2eHttp.json(refreshed.body());
	}

	/** Revokes a token as the app would (RFC 7009). */
	HttpResponse<String> revoke(String token) throws Exception {
		return post(this.issuer + "/oauth2/revoke", Map.of("token", token), basic(this.clientId, this.secret));
	}

	/** Signs the person out at Lanyard (the logout page, as their browser would). */
	void signOut(Session session) throws Exception {
		String page = send(session.browser(), HttpRequest.newBuilder(URI.create(this.issuer + "/logout")).build())
			.body();
		Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
		assertThat(csrf.find()).as(page).isTrue();
		HttpResponse<String> done = send(session.browser(),
				HttpRequest.newBuilder(URI.create(this.issuer + "/logout"))
					.header("Content-Type", "application/x-www-form-urlencoded")
					.POST(HttpRequest.BodyPublishers.ofString(form(Map.of("_csrf", csrf.group(1)))))
					.build());
		assertThat(done.statusCode()).isIn(302, 303);
	}

}
