package dev.lanyard.server.protocol;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules of the authorization endpoint (docs/SECURITY.md §1a): requests that must never be
 * redirected, errors that are redirected with {@code iss} and {@code state}, and requests
 * that succeed.
 */
class AuthorizationEndpointTest {

	private static OAuthFlows flows;

	private static String issuer;

	/** A browser already signed in as bob, so rules after login can be reached. */
	private static TestBrowser signedIn;

	@BeforeAll
	static void signIn() {
		flows = SharedLanyard.flows();
		issuer = SharedLanyard.server().baseUrl();
		signedIn = new TestBrowser();
		HttpResponse<String> login = flows.signIn(signedIn, "bob", TestBootstrap.BOB_PASSWORD);
		assertThat(login.statusCode()).isIn(302, 303);
	}

	/** OA-01: anything but the exact registered string is never redirected to. */
	@ParameterizedTest
	@ValueSource(strings = { "https://app.example.com/callback/", "https://app.example.com/Callback",
			"https://app.example.com/callback?x=1", "https://app.example.com/callback#frag",
			"https://app.example.com:8443/callback", "http://app.example.com/callback",
			"https://app.example.com@evil.example/callback", "https://app.example.com/callback/../x",
			"https://app.example.com/%2e%2e/callback", "https://app.example.com/%252e%252e/callback",
			"https://app.example.com/callback;jsessionid=1", "https://evil.app.example.com/callback",
			"https://app.example.com.evil.example/callback", "javascript:alert(1)", "not a uri" })
	void authorizeWhenRedirectUriNotRegisteredThenErrorPageWithoutRedirect(String redirectUri) {
		for (TestBrowser browser : new TestBrowser[] { new TestBrowser(), signedIn }) {
			HttpResponse<String> response = browser.get(flows.authorizeUrl(request("web-app", redirectUri)), "Accept",
					"text/html");
			assertThat(response.statusCode()).isEqualTo(400);
			assertThat(response.headers().firstValue("Location")).isEmpty();
			assertThat(response.body()).contains("invalid_request")
				.doesNotContain("Exception")
				.doesNotContain("at org.");
		}
	}

	/** OA-02: unknown, missing or duplicated client_id. */
	@Test
	void authorizeWhenClientIdUnknownMissingOrDuplicatedThenErrorPage() {
		String unknown = flows.authorizeUrl(request("no-such-client", TestBootstrap.REDIRECT_URI));
		Map<String, String> missing = request("web-app", TestBootstrap.REDIRECT_URI);
		missing.remove("client_id");
		String duplicated = flows.authorizeUrl(request("web-app", TestBootstrap.REDIRECT_URI)) + "&client_id=spa";
		for (String url : new String[] { unknown, flows.authorizeUrl(missing), duplicated }) {
			HttpResponse<String> response = signedIn.get(url);
			assertThat(response.statusCode()).as(url).isEqualTo(400);
			assertThat(response.headers().firstValue("Location")).isEmpty();
		}
	}

	/** OA-05, OA-06, OA-07: PKCE is required, S256 only, and well-formed. */
	@Test
	void authorizeWhenPkceMissingPlainOrMalformedThenInvalidRequestRedirect() {
		Map<String, String> missing = request("web-app", TestBootstrap.REDIRECT_URI);
		missing.remove("code_challenge");
		missing.remove("code_challenge_method");
		Map<String, String> plain = request("web-app", TestBootstrap.REDIRECT_URI);
		plain.put("code_challenge_method", "plain");
		Map<String, String> noMethod = request("web-app", TestBootstrap.REDIRECT_URI);
		noMethod.remove("code_challenge_method");
		Map<String, String> malformed = request("web-app", TestBootstrap.REDIRECT_URI);
		malformed.put("code_challenge", "too-short");
		for (Map<String, String> request : java.util.List.of(missing, plain, noMethod, malformed)) {
			assertErrorRedirect(signedIn.get(flows.authorizeUrl(request)), "invalid_request");
		}
	}

	/**
	 * OA-11: only the code flow. With a known client and one of its redirect URIs the
	 * refusal is an error redirect (RFC 6749 §4.1.2.1), in the fragment for the types
	 * that would return tokens there (OAuth 2.0 Multiple Response Type Encoding Practices
	 * §2.1), and never carries a code or a token.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "token", "id_token", "id_token token", "code token", "code id_token", "none", "unknown" })
	void authorizeWhenResponseTypeNotCodeThenUnsupportedResponseTypeRedirect(String responseType) {
		Map<String, String> request = request("web-app", TestBootstrap.REDIRECT_URI);
		request.put("response_type", responseType);
		request.put("state", "st ate");
		HttpResponse<String> response = signedIn.get(flows.authorizeUrl(request));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
		String location = TestBrowser.location(response);
		assertThat(location).startsWith(TestBootstrap.REDIRECT_URI);
		boolean fragment = responseType.contains("token");
		String encoded = fragment ? location.substring(location.indexOf('#') + 1)
				: location.substring(location.indexOf('?') + 1);
		assertThat(location.contains("#")).isEqualTo(fragment);
		Map<String, String> parameters = TestBrowser.queryParameters(TestBootstrap.REDIRECT_URI + "?" + encoded);
		assertThat(parameters).containsEntry("error", "unsupported_response_type")
			.containsEntry("state", "st ate")
			.containsEntry("iss", flows.url(""))
			.doesNotContainKeys("code", "access_token", "id_token");
	}

	/**
	 * OA-53: request objects are not taken (discovery says so). A request that carries
	 * one, by value or by reference, gets the matching error redirect even when the
	 * parameters it would hold (here response_type, scope, code_challenge) are only in
	 * the object; web-app has a single redirect URI, so it may be left out. Only a
	 * request_uri issued by /oauth2/par is taken (PushedAuthorizationRequestTest).
	 */
	@ParameterizedTest
	@CsvSource({ "request, eyJhbGciOiJub25lIn0.eyJyZXNwb25zZV90eXBlIjoiY29kZSJ9., request_not_supported",
			"request_uri, https://app.example.com/request.jwt, request_uri_not_supported" })
	void authorizeWhenRequestObjectThenNotSupportedRedirect(String parameter, String value, String error) {
		Map<String, String> request = new LinkedHashMap<>();
		request.put("client_id", "web-app");
		request.put("state", "xyz");
		request.put(parameter, value);
		assertErrorRedirect(signedIn.get(flows.authorizeUrl(request)), error);

		Map<String, String> full = request("web-app", TestBootstrap.REDIRECT_URI);
		full.put(parameter, value);
		assertErrorRedirect(signedIn.get(flows.authorizeUrl(full)), error);
	}

	/**
	 * A redirect URI the client did not register gets the error page, never a redirect.
	 */
	@Test
	void authorizeWhenResponseTypeNotCodeAndRedirectUnknownThenErrorPage() {
		Map<String, String> request = request("web-app", "https://attacker.example/cb");
		request.put("response_type", "token");
		HttpResponse<String> response = signedIn.get(flows.authorizeUrl(request));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Location")).isEmpty();
	}

	/**
	 * OA-14, OA-15: iss on every response, state echoed exactly (URL-unsafe characters
	 * included).
	 */
	@Test
	void authorizeWhenSucceededThenIssAndExactStateInRedirect() {
		Map<String, String> request = request("web-app", TestBootstrap.REDIRECT_URI);
		request.put("state", "a b&c=d/é%");
		String location = TestBrowser.location(signedIn.get(flows.authorizeUrl(request)));
		Map<String, String> parameters = TestBrowser.queryParameters(location);
		assertThat(parameters.get("state")).isEqualTo("a b&c=d/é%");
		assertThat(parameters.get("iss")).isEqualTo(issuer);
		assertThat(parameters.get("code")).startsWith("lyac_");
	}

	@Test
	void authorizeWhenStateNotSentThenNoStateReturned() {
		Map<String, String> request = request("web-app", TestBootstrap.REDIRECT_URI);
		request.remove("state");
		Map<String, String> parameters = TestBrowser
			.queryParameters(TestBrowser.location(signedIn.get(flows.authorizeUrl(request))));
		assertThat(parameters).containsKey("code").doesNotContainKey("state");
	}

	/** OA-16: a parameter twice. */
	@Test
	void authorizeWhenParameterDuplicatedThenRefused() {
		String url = flows.authorizeUrl(request("web-app", TestBootstrap.REDIRECT_URI)) + "&scope=email";
		HttpResponse<String> response = signedIn.get(url);
		if (response.statusCode() == 302) {
			assertThat(TestBrowser.queryParameters(TestBrowser.location(response)).get("error"))
				.isEqualTo("invalid_request");
		}
		else {
			assertThat(response.statusCode()).isEqualTo(400);
		}
	}

	/** OA-17: unknown parameters are ignored. */
	@Test
	void authorizeWhenUnknownParameterThenIgnored() {
		Map<String, String> request = request("web-app", TestBootstrap.REDIRECT_URI);
		request.put("extra", "foobar");
		assertThat(TestBrowser.queryParameters(TestBrowser.location(signedIn.get(flows.authorizeUrl(request))))
			.get("code")).isNotNull();
	}

	/** OA-18: no CORS at the authorization endpoint. */
	@Test
	void authorizeWhenCrossOriginThenNoCorsHeaders() {
		HttpResponse<String> get = signedIn.get(flows.authorizeUrl(request("web-app", TestBootstrap.REDIRECT_URI)),
				"Origin", "https://evil.example");
		assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		HttpResponse<String> options = signedIn.send(HttpRequest.newBuilder(URI.create(flows.url("/oauth2/authorize")))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", "https://evil.example")
			.header("Access-Control-Request-Method", "GET")
			.build());
		assertThat(options.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

	/** OA-23: an unknown scope is an error redirect. */
	@Test
	void authorizeWhenScopeNotAllowedThenInvalidScopeRedirect() {
		Map<String, String> request = request("web-app", TestBootstrap.REDIRECT_URI);
		request.put("scope", "openid admin");
		assertErrorRedirect(signedIn.get(flows.authorizeUrl(request)), "invalid_scope");
	}

	/** OA-24: prompt=none without a session answers login_required, no login page. */
	@Test
	void authorizeWhenPromptNoneAndNotSignedInThenLoginRequired() {
		Map<String, String> request = request("web-app", TestBootstrap.REDIRECT_URI);
		request.put("prompt", "none");
		assertErrorRedirect(new TestBrowser().get(flows.authorizeUrl(request)), "login_required");
	}

	/**
	 * OA-24 with max_age (OpenID Connect Core §3.1.2.1, §3.1.2.6): a sign-in older than
	 * max_age cannot be renewed without a page, so prompt=none answers login_required; a
	 * recent enough one gets its code.
	 */
	@Test
	void authorizeWhenPromptNoneAndSignInOlderThanMaxAgeThenLoginRequired() {
		Map<String, String> tooOld = request("web-app", TestBootstrap.REDIRECT_URI);
		tooOld.put("prompt", "none");
		tooOld.put("max_age", "0");
		assertErrorRedirect(signedIn.get(flows.authorizeUrl(tooOld)), "login_required");
		Map<String, String> recent = request("web-app", TestBootstrap.REDIRECT_URI);
		recent.put("prompt", "none");
		recent.put("max_age", "3600");
		String location = TestBrowser.location(signedIn.get(flows.authorizeUrl(recent)));
		assertThat(TestBrowser.queryParameters(location)).containsKey("code");
		// HD-08: a max_age of more seconds than the clock can go back (this was a 500) is
		// no limit.
		Map<String, String> huge = request("web-app", TestBootstrap.REDIRECT_URI);
		huge.put("prompt", "none");
		huge.put("max_age", String.valueOf(Long.MAX_VALUE));
		assertThat(TestBrowser.queryParameters(TestBrowser.location(signedIn.get(flows.authorizeUrl(huge)))))
			.containsKey("code");
	}

	/**
	 * HD-08: a NUL character cannot be stored (PostgreSQL refuses it in text and JSON)
	 * and has no place in any OAuth parameter: the error page, never a 500 (a client id,
	 * looked up as it came, and a state or an extension parameter, kept with the
	 * authorization, each made one), and nothing is issued.
	 */
	@ParameterizedTest
	@CsvSource({ "client_id, web-app<NUL>", "state, s<NUL>t", "x-extension, <NUL>", "x<NUL>y, 1" })
	void authorizeWhenParameterHoldsNulThenErrorPage(String name, String value) {
		Map<String, String> request = request("web-app", TestBootstrap.REDIRECT_URI);
		request.put(name.replace("<NUL>", "\0"), value.replace("<NUL>", "\0"));
		HttpResponse<String> answer = signedIn.get(flows.authorizeUrl(request));
		assertThat(answer.statusCode()).isEqualTo(400);
		assertThat(answer.headers().firstValue("Location")).isEmpty();
		assertThat(answer.body()).contains("invalid_request").doesNotContain("Exception");
	}

	/** OA-25: response modes other than query. */
	@ParameterizedTest
	@ValueSource(strings = { "fragment", "form_post", "web_message" })
	void authorizeWhenResponseModeNotQueryThenInvalidRequest(String mode) {
		Map<String, String> request = request("web-app", TestBootstrap.REDIRECT_URI);
		request.put("response_mode", mode);
		assertErrorRedirect(signedIn.get(flows.authorizeUrl(request)), "invalid_request");
	}

	/** OA-52: a claims parameter that is not the JSON object OIDC Core §5.5 describes. */
	@ParameterizedTest
	@ValueSource(strings = { "not json", "[]", "{\"id_token\":[\"name\"]}", "{\"userinfo\":{\"name\":true}}",
			"{\"id_token\":{\"name\":{\"essential\":\"yes\"}}}" })
	void authorizeWhenClaimsParameterMalformedThenInvalidRequest(String claims) {
		Map<String, String> request = request("web-app", TestBootstrap.REDIRECT_URI);
		request.put("claims", claims);
		assertErrorRedirect(signedIn.get(flows.authorizeUrl(request)), "invalid_request");
	}

	/**
	 * OA-52, OIDC Core §5.5.1: a sub asked for by value must be the signed-in user's, and
	 * an essential acr must be met; otherwise no code.
	 */
	@Test
	void authorizeWhenClaimsAskForAnotherSubOrAnUnmetEssentialAcrThenNoCode() {
		String bob = SharedLanyard.userId("bob");
		Map<String, String> request = request("web-app", TestBootstrap.REDIRECT_URI);
		request.put("claims", "{\"id_token\":{\"sub\":{\"value\":\"" + UUID.randomUUID() + "\"}}}");
		assertErrorRedirect(signedIn.get(flows.authorizeUrl(request)), "login_required");
		request.put("claims", "{\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"urn:example:mfa\"]}}}");
		assertErrorRedirect(signedIn.get(flows.authorizeUrl(request)), "access_denied");

		request.put("claims", "{\"userinfo\":{\"sub\":{\"value\":\"" + bob
				+ "\"}},\"id_token\":{\"acr\":{\"essential\":true,\"values\":[\"urn:example:mfa\",\"urn:lanyard:acr:single-factor\"]}}}");
		String location = TestBrowser.location(signedIn.get(flows.authorizeUrl(request)));
		assertThat(TestBrowser.queryParameters(location)).containsKey("code");
	}

	/** OA-27: codes are unique, long and random. */
	@Test
	void authorizeWhenRepeatedThenCodesUniqueAndLong() {
		java.util.Set<String> codes = new java.util.HashSet<>();
		for (int i = 0; i < 50; i++) {
			String code = TestBrowser
				.queryParameters(TestBrowser
					.location(signedIn.get(flows.authorizeUrl(request("web-app", TestBootstrap.REDIRECT_URI)))))
				.get("code");
			assertThat(code.substring("lyac_".length())).hasSize(43);
			codes.add(code);
		}
		assertThat(codes).hasSize(50);
	}

	private static void assertErrorRedirect(HttpResponse<String> response, String error) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
		String location = TestBrowser.location(response);
		assertThat(location).startsWith(TestBootstrap.REDIRECT_URI + "?");
		Map<String, String> parameters = TestBrowser.queryParameters(location);
		assertThat(parameters.get("error")).as(location).isEqualTo(error);
		assertThat(parameters.get("iss")).isEqualTo(issuer);
		assertThat(parameters.get("state")).isEqualTo("xyz");
		assertThat(parameters).doesNotContainKey("code");
	}

	/**
	 * A bearer token means nothing at the authorization endpoint: the user still signs
	 * in.
	 */
	@Test
	void authorizeWhenBearerTokenSentThenLoginNotServerError() {
		for (String token : new String[] { "lyat_not-a-token", "a.b.c", "" }) {
			HttpResponse<String> response = new TestBrowser().get(
					flows.authorizeUrl(request("web-app", TestBootstrap.REDIRECT_URI)), "Accept", "text/html",
					"Authorization", "Bearer " + token);
			assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
			assertThat(TestBrowser.location(response)).endsWith("/login");
		}
	}

	private static Map<String, String> request(String clientId, String redirectUri) {
		return new LinkedHashMap<>(
				OAuthFlows.codeRequest(clientId, redirectUri, "openid profile", "xyz", TestBrowser.Pkce.create()));
	}

}
