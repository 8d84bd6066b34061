package dev.lanyard.server.login;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserAccount;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.security.crypto.password.PasswordEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hosted login page: CSRF, uniform failures, language, headers (docs/SECURITY.md §6).
 */
class LoginPageTest {

	private static LanyardTestServer server;

	private static OAuthFlows flows;

	@BeforeAll
	static void setUp() {
		server = SharedLanyard.server();
		flows = SharedLanyard.flows();
		JdbcUserAccountRepository users = server.bean(JdbcUserAccountRepository.class);
		PasswordEncoder encoder = server.bean(PasswordEncoder.class);
		String hash = encoder.encode("carol-password-for-tests");
		users.insert(new UserAccount(UUID.randomUUID(), "carol-locked", null, hash, true, true, List.of("user"),
				Map.of(), Instant.now(), Instant.now()));
		users.insert(new UserAccount(UUID.randomUUID(), "dave-disabled", null, hash, false, false, List.of("user"),
				Map.of(), Instant.now(), Instant.now()));
	}

	/** LG-14: the login form needs its CSRF token. */
	@Test
	void loginWhenCsrfTokenMissingOrWrongThen403() {
		TestBrowser browser = new TestBrowser();
		browser.get(flows.url("/login"));
		HttpResponse<String> missing = browser.postForm(flows.url("/login"),
				Map.of("username", "bob", "password", TestBootstrap.BOB_PASSWORD));
		assertThat(missing.statusCode()).isEqualTo(403);
		HttpResponse<String> wrong = browser.postForm(flows.url("/login"),
				Map.of("username", "bob", "password", TestBootstrap.BOB_PASSWORD, "_csrf", "forged"));
		assertThat(wrong.statusCode()).isEqualTo(403);
		assertThat(wrong.body()).doesNotContain("Exception");
	}

	/**
	 * HD-08: a login name with a NUL character (which PostgreSQL cannot compare with a
	 * text column: this was a 500 from the sign-in's failure handler) gets the error page
	 * and signs nobody in; the same browser then signs in.
	 */
	@Test
	void loginWhenUsernameHoldsNulThenErrorPageAndNothingElse() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> answer = flows.signIn(browser, "bob\0", TestBootstrap.BOB_PASSWORD);
		assertThat(answer.statusCode()).isEqualTo(400);
		assertThat(answer.body()).doesNotContain("Exception");
		assertThat(TestBrowser.location(flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD)))
			.doesNotContain("error");
	}

	/**
	 * LG-04: unknown user, wrong password, locked and disabled accounts get the same
	 * status, redirect and page; all of them check a password, so none answers markedly
	 * faster.
	 */
	@Test
	void loginWhenAnyKindOfFailureThenIdenticalAnswer() {
		String[][] attempts = { { "nobody-" + UUID.randomUUID(), "whatever-password" }, { "bob", "wrong-password" },
				{ "carol-locked", "carol-password-for-tests" }, { "dave-disabled", "carol-password-for-tests" } };
		List<String> answers = new ArrayList<>();
		List<Long> medians = new ArrayList<>();
		for (String[] attempt : attempts) {
			List<Long> times = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				TestBrowser browser = new TestBrowser();
				long started = System.nanoTime();
				HttpResponse<String> response = flows.signIn(browser, attempt[0], attempt[1]);
				times.add(System.nanoTime() - started);
				HttpResponse<String> page = browser.get(TestBrowser.location(response));
				answers.add(response.statusCode() + " " + TestBrowser.location(response) + " "
						+ page.body().replaceAll("name=\"_csrf\" value=\"[^\"]+\"", ""));
			}
			Collections.sort(times);
			medians.add(times.get(times.size() / 2));
		}
		assertThat(answers).allMatch((answer) -> answer.equals(answers.get(0)));
		assertThat(answers.get(0)).startsWith("303 " + flows.url("/login?error"))
			.contains("Incorrect username or password");
		// Every failure runs one Argon2id check (tens of ms); a skipped check would be an
		// order of magnitude faster. This catches a missing check, not small differences.
		long fastest = Collections.min(medians);
		long slowest = Collections.max(medians);
		assertThat(fastest * 3).as("median times %s", medians).isGreaterThan(slowest);
	}

	/** LG-09: the session id changes at login. */
	@Test
	void loginWhenSucceededThenSessionIdChanged() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> page = browser.get(flows.url("/login"));
		String before = sessionCookie(page);
		HttpResponse<String> login = browser.postForm(flows.url("/login"), Map.of("username", "bob", "password",
				TestBootstrap.BOB_PASSWORD, "_csrf", TestBrowser.csrf(page.body())));
		String after = sessionCookie(login);
		assertThat(before).contains("LANYARD_SESSION=");
		assertThat(after).contains("LANYARD_SESSION=");
		assertThat(cookieValue(after)).isNotEqualTo(cookieValue(before));
		assertThat(after).contains("HttpOnly").containsIgnoringCase("SameSite=Lax");
	}

	private static String sessionCookie(HttpResponse<String> response) {
		return response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((cookie) -> cookie.startsWith("LANYARD_SESSION="))
			.findFirst()
			.orElse("");
	}

	/**
	 * LG-17: after login, only the request saved on this server, never a URL parameter.
	 */
	@Test
	void loginWhenContinueParameterPointsElsewhereThenIgnored() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> page = browser.get(flows.url("/login?continue=https://evil.example/"));
		HttpResponse<String> login = browser.postForm(flows.url("/login?continue=https://evil.example/"), Map
			.of("username", "bob", "password", TestBootstrap.BOB_PASSWORD, "_csrf", TestBrowser.csrf(page.body())));
		assertThat(TestBrowser.location(login)).startsWith(flows.url("/")).doesNotContain("evil");
	}

	/** English and Simplified Chinese, from Accept-Language or the switch. */
	@Test
	void loginPageWhenChineseRequestedThenChinese() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> chinese = browser.get(flows.url("/login"), "Accept-Language", "zh-CN,zh;q=0.9");
		assertThat(chinese.body()).contains("用户名").contains("<html lang=\"zh-CN\"");
		HttpResponse<String> english = browser.get(flows.url("/login"), "Accept-Language", "en-US");
		assertThat(english.body()).contains("Username").contains("<html lang=\"en\"");
		HttpResponse<String> switched = browser.get(flows.url("/login?lang=zh-CN"), "Accept-Language", "en-US");
		assertThat(switched.body()).contains("用户名");
		HttpResponse<String> remembered = browser.get(flows.url("/login"), "Accept-Language", "en-US");
		assertThat(remembered.body()).contains("用户名");
	}

	/**
	 * OIDC Core §3.1.2.1: the relying party's ui_locales picks the login page's language
	 * (its first tag Lanyard has pages in) over Accept-Language; the person's own switch
	 * still wins.
	 */
	@Test
	void loginPageWhenAuthorizationRequestHasUiLocalesThenFirstSupportedLanguage() {
		TestBrowser browser = new TestBrowser();
		Map<String, String> request = new LinkedHashMap<>(OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI,
				"openid", "ui", TestBrowser.Pkce.create()));
		request.put("ui_locales", "fr-CA zh-Hans en");
		assertThat(browser.get(flows.authorizeUrl(request), "Accept-Language", "en-US").statusCode()).isEqualTo(302);
		HttpResponse<String> page = browser.get(flows.url("/login"), "Accept-Language", "en-US");
		assertThat(page.body()).contains("用户名").contains("<html lang=\"zh-CN\"");

		browser.get(flows.url("/login?lang=en"), "Accept-Language", "en-US");
		assertThat(browser.get(flows.url("/login"), "Accept-Language", "en-US").body()).contains("Username");

		TestBrowser other = new TestBrowser();
		request.put("ui_locales", "fr de");
		other.get(flows.authorizeUrl(request), "Accept-Language", "en-US");
		assertThat(other.get(flows.url("/login"), "Accept-Language", "en-US").body()).contains("Username");
	}

	/**
	 * The page is usable by keyboard and assistive technology: labels, autocomplete,
	 * focus.
	 */
	@Test
	void loginPageWhenRenderedThenAccessibleForm() {
		String body = new TestBrowser().get(flows.url("/login")).body();
		assertThat(body).contains("<label for=\"username\"")
			.contains("<label for=\"password\"")
			.contains("autocomplete=\"username\"")
			.contains("autocomplete=\"current-password\"")
			.contains("type=\"password\"")
			.contains("autofocus")
			.contains("href=\"#main\"")
			// One script, the server's own passkey file; nothing inline.
			.doesNotContainPattern("<script(?![^>]*src=\"/js/passkeys.js\")")
			.doesNotContainPattern("<script[^>]*>[^<]+</script>")
			.doesNotContain("http://cdn")
			.doesNotContain("https://");
	}

	/**
	 * The login page names the application and shows its registered logo; the page's CSP
	 * lets images come from the logo's origin alone, whatever else its URL holds.
	 */
	@Test
	void loginPageWhenClientHasLogoThenShownAndAllowedByItsOriginOnly() {
		String clientId = "logo-app-" + UUID.randomUUID().toString().substring(0, 8);
		String logo = "https://static.example.com:8443/brand/logo.svg;script-src%20*?v=2";
		server.bean(ClientService.class)
			.importClient(new ClientRegistration(clientId, "Logo App", logo, true, null, "none", null, null,
					List.of(TestBootstrap.REDIRECT_URI), List.of(), Set.of("authorization_code"), Set.of("openid"),
					null, null, null, null, null, List.of(), null, null, null, null, null, null, null));
		TestBrowser browser = new TestBrowser();
		browser.get(flows.authorizeUrl(OAuthFlows.codeRequest(clientId, TestBootstrap.REDIRECT_URI, "openid", "logo",
				TestBrowser.Pkce.create())));
		HttpResponse<String> page = browser.get(flows.url("/login"));
		assertThat(page.body()).contains("to continue to Logo App")
			.contains("<img class=\"client-logo\" src=\"" + logo.replace("&", "&amp;") + "\"");
		assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
			.contains("img-src 'self' data: https://static.example.com:8443;")
			.contains("script-src 'self';")
			.doesNotContain("script-src *")
			.doesNotContain("/brand");

		// Without a logo, the page has none and the policy its own images only.
		HttpResponse<String> plain = new TestBrowser().get(flows.url("/login"));
		assertThat(plain.body()).doesNotContain("client-logo\" src");
		assertThat(plain.headers().firstValue("Content-Security-Policy").orElse("")).contains("img-src 'self' data:;");
	}

	/** LG-15, OA-20, OA-21: headers on login, error and consent pages. */
	@Test
	void pagesWhenServedThenSecurityHeaders() {
		TestBrowser browser = new TestBrowser();
		for (String path : new String[] { "/login", "/error", "/logout/done", "/oauth2/authorize?client_id=nope" }) {
			HttpResponse<String> response = browser.get(flows.url(path));
			Map<String, List<String>> headers = response.headers().map();
			String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
			assertThat(csp).as(path)
				.contains("default-src 'self'")
				.contains("script-src 'self'")
				.contains("object-src 'none'")
				.contains("base-uri 'none'")
				.contains("frame-ancestors 'none'");
			assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
			assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
			assertThat(response.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
			assertThat(response.headers().firstValue("Strict-Transport-Security").orElse("")).as(path)
				.contains("max-age=31536000")
				.contains("includeSubDomains");
			assertThat(response.headers().firstValue("Cross-Origin-Opener-Policy")).as(path).hasValue("same-origin");
			assertThat(response.headers().firstValue("Cache-Control").orElse("")).as(path).contains("no-store");
			assertThat(headers).as(path).doesNotContainKey("Server");
		}
	}

	@Test
	void errorPageWhenNotFoundThenFriendlyPageWithoutDetails() {
		HttpResponse<String> response = new TestBrowser().get(flows.url("/no/such/page"), "Accept", "text/html");
		assertThat(response.statusCode()).isIn(302, 404);
		HttpResponse<String> json = new TestBrowser().get(flows.url("/oauth2/jwks/nothing"), "Accept",
				"application/json");
		assertThat(json.body()).doesNotContain("Exception").doesNotContain("trace");
	}

	private static String cookieValue(String setCookie) {
		return setCookie.split(";", 2)[0];
	}

}
