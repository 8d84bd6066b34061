package dev.lanyard.server;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.lanyard.server.authorization.TrackedAccessTokenCache;

import static org.assertj.core.api.Assertions.assertThat;

/** The steps of the OAuth flows as a client and a person in a browser take them. */
public final class OAuthFlows {

	private final String baseUrl;

	public OAuthFlows(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public String url(String path) {
		return this.baseUrl + path;
	}

	/** An authorization request URL with the given parameters (values URL-encoded). */
	public String authorizeUrl(Map<String, String> parameters) {
		StringBuilder url = new StringBuilder(this.baseUrl).append("/oauth2/authorize?");
		parameters.forEach((name, value) -> url.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
			.append('=')
			.append(URLEncoder.encode(value, StandardCharsets.UTF_8))
			.append('&'));
		return url.substring(0, url.length() - 1);
	}

	public static Map<String, String> codeRequest(String clientId, String redirectUri, String scope, String state,
			TestBrowser.Pkce pkce) {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put("response_type", "code");
		parameters.put("client_id", clientId);
		parameters.put("redirect_uri", redirectUri);
		parameters.put("scope", scope);
		parameters.put("state", state);
		parameters.put("code_challenge", pkce.challenge());
		parameters.put("code_challenge_method", "S256");
		return parameters;
	}

	/**
	 * Signs in at the login page (CSRF included); returns the response to the form post.
	 */
	public HttpResponse<String> signIn(TestBrowser browser, String username, String password) {
		HttpResponse<String> page = browser.get(url("/login"));
		assertThat(page.statusCode()).isEqualTo(200);
		return browser.postForm(url("/login"),
				Map.of("username", username, "password", password, "_csrf", TestBrowser.csrf(page.body())));
	}

	/**
	 * Runs the authorization request through the login page and returns the URL the
	 * server finally redirects to (the client's redirect URI with the response).
	 */
	public String authorizeWithLogin(TestBrowser browser, Map<String, String> request, String username,
			String password) {
		HttpResponse<String> start = browser.get(authorizeUrl(request));
		assertThat(start.statusCode()).as("authorization request redirects to login").isEqualTo(302);
		assertThat(TestBrowser.location(start)).isEqualTo(url("/login"));
		HttpResponse<String> login = signIn(browser, username, password);
		assertThat(login.statusCode()).as("login form post").isIn(302, 303);
		String resumed = TestBrowser.location(login);
		assertThat(resumed).startsWith(url("/oauth2/authorize"));
		HttpResponse<String> answer = browser.get(resumed);
		assertThat(answer.statusCode()).as("authorization response " + answer.body()).isEqualTo(302);
		return TestBrowser.location(answer);
	}

	public HttpResponse<String> token(TestBrowser client, String clientId, String secret, Map<String, String> form) {
		return client.postForm(url("/oauth2/token"), form, "Authorization", TestBrowser.basic(clientId, secret));
	}

	public HttpResponse<String> redeemCode(TestBrowser client, String clientId, String secret, String code,
			String redirectUri, String verifier) {
		return token(client, clientId, secret, Map.of("grant_type", "authorization_code", "code", code, "redirect_uri",
				redirectUri, "code_verifier", verifier));
	}

	public HttpResponse<String> refresh(TestBrowser client, String clientId, String secret, String refreshToken) {
		return token(client, clientId, secret, Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
	}

	/**
	 * Redeems the code a client's redirect URI was given (with the request's PKCE
	 * verifier) and returns the token response.
	 */
	public Map<String, Object> tokensFor(String callback, String clientId, String secret, String redirectUri,
			TestBrowser.Pkce pkce) {
		String code = TestBrowser.queryParameters(callback).get("code");
		assertThat(code).as(callback).isNotNull();
		HttpResponse<String> tokens = redeemCode(new TestBrowser(), clientId, secret, code, redirectUri,
				pkce.verifier());
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		return TestBrowser.json(tokens);
	}

	/**
	 * The test deployment's gateway exchanges a user's access token for an internal JWT
	 * (RFC 8693); returns the token endpoint's answer.
	 */
	public HttpResponse<String> exchangeAtGateway(String accessToken) {
		return token(new TestBrowser(), "gateway", LanyardTestServer.TestBootstrap.GATEWAY_SECRET,
				Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token_type",
						"urn:ietf:params:oauth:token-type:access_token", "subject_token", accessToken));
	}

	/** A new access token of a client by its own credentials (client_credentials). */
	public String clientCredentialsToken(TestBrowser client, String clientId, String secret) {
		HttpResponse<String> issued = token(client, clientId, secret, Map.of("grant_type", "client_credentials"));
		assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
		return (String) TestBrowser.json(issued).get("access_token");
	}

	/** Revokes a token (RFC 7009) as the given client; returns the answer. */
	public HttpResponse<String> revoke(TestBrowser client, String clientId, String secret, String token) {
		return client.postForm(url("/oauth2/revoke"), Map.of("token", token), "Authorization",
				TestBrowser.basic(clientId, secret));
	}

	public Map<String, Object> introspect(TestBrowser client, String clientId, String secret, String token) {
		HttpResponse<String> response = client.postForm(url("/oauth2/introspect"), Map.of("token", token),
				"Authorization", TestBrowser.basic(clientId, secret));
		assertThat(response.statusCode()).as("introspection " + response.body()).isEqualTo(200);
		return TestBrowser.json(response);
	}

	/**
	 * Introspects a token that was revoked through another node, again and again while
	 * that node's copy of the token cache may still hold it, and returns the first
	 * inactive answer, or else the answer to the first request sent once that time was
	 * up. The time is {@link TrackedAccessTokenCache#HEARD_WITHIN_MILLIS}, counted here
	 * from the revocation's answer (Redis took the change before it): docs/SECURITY.md
	 * OA-49, RFC 7009 §2.1's propagation delay. Call it right after the revocation.
	 */
	public Map<String, Object> introspectRevokedElsewhere(TestBrowser client, String clientId, String secret,
			String token) {
		long revoked = System.nanoTime();
		long bound = TimeUnit.MILLISECONDS.toNanos(TrackedAccessTokenCache.HEARD_WITHIN_MILLIS);
		while (true) {
			long sent = System.nanoTime();
			Map<String, Object> answer = introspect(client, clientId, secret, token);
			if (Boolean.FALSE.equals(answer.get("active")) || sent - revoked > bound) {
				return answer;
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return answer;
			}
		}
	}

}
