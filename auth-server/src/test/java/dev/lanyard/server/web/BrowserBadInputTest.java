package dev.lanyard.server.web;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What browsers may send that pages must survive: a friendly answer of the right kind,
 * never a 500, and nothing secret written back.
 */
class BrowserBadInputTest {

	private final OAuthFlows flows = SharedLanyard.flows();

	/**
	 * A language cookie that names no language (edited, or another application's on the
	 * same host) is no language: it failed every page with a 500 for a year.
	 */
	@Test
	void pagesWhenLanguageCookieMalformedThenServedInTheDefaultLanguage() {
		for (String cookie : new String[] { "x.y", "en/Nowhere", "%%" }) {
			HttpResponse<String> page = new TestBrowser().get(this.flows.url("/login"), "Cookie",
					"LANYARD_LANG=" + cookie);
			assertThat(page.statusCode()).as(cookie).isEqualTo(200);
			assertThat(page.body()).contains("name=\"username\"");
		}
	}

	/**
	 * {@code /error} asked for directly is no page (it was a 500); the consent page for a
	 * client that is unknown or disabled since the request began is a bad request.
	 */
	@Test
	void errorPageWhenAskedForDirectlyThenNotFoundAndConsentForUnknownClientThenBadRequest() {
		assertThat(new TestBrowser().get(this.flows.url("/error"), "Accept", "text/html").statusCode()).isEqualTo(404);
		TestBrowser person = new TestBrowser();
		assertThat(this.flows.signIn(person, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
		HttpResponse<String> consent = person.get(this.flows.url("/oauth2/consent?client_id=nobody&state=x"), "Accept",
				"text/html");
		assertThat(consent.statusCode()).isEqualTo(400);
		assertThat(consent.body()).doesNotContain("server_error");
	}

	/**
	 * An authorization request whose values hold braces or a '+' (a claims request, a
	 * state) survives the sign-in it waits for: the request saved for a fresh sign-in
	 * ({@code max_age}, {@code prompt=login}) kept braces raw and gave a '+' back as a
	 * space.
	 */
	@Test
	void authorizationRequestWhenValuesHoldBracesOrPlusThenResumedIntactAfterSignIn() {
		String state = "a+b {c}=d&e";
		java.util.Map<String, String> request = OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid",
				state, TestBrowser.Pkce.create());
		// A fresh sign-in asked for: the request is saved as a GET of Lanyard's.
		request.put("max_age", "3600");
		String answer = this.flows.authorizeWithLogin(new TestBrowser(), request, "bob", TestBootstrap.BOB_PASSWORD);
		assertThat(answer).startsWith(TestBootstrap.REDIRECT_URI);
		String returned = Arrays.stream(URI.create(answer).getRawQuery().split("&"))
			.filter((pair) -> pair.startsWith("state="))
			.map((pair) -> URLDecoder.decode(pair.substring("state=".length()), StandardCharsets.UTF_8))
			.findFirst()
			.orElseThrow();
		assertThat(returned).isEqualTo(state);
	}

	/**
	 * An error page writes no token back: its language links carried the request's query,
	 * an ID token hint included.
	 */
	@Test
	void errorPageWhenRequestCarriedATokenThenLanguageLinksLeaveItOut() {
		String hint = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzb21lb25lIn0.c2lnbmF0dXJl";
		HttpResponse<String> page = new TestBrowser().get(
				this.flows.url("/connect/logout?id_token_hint=" + hint + "&post_logout_redirect_uri="
						+ java.net.URLEncoder.encode("https://elsewhere.example/", StandardCharsets.UTF_8)),
				"Accept", "text/html");
		assertThat(page.statusCode()).isBetween(400, 499);
		assertThat(page.body()).doesNotContain(hint).contains("lang=zh-CN");
	}

}
