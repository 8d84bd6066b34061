package dev.lanyard.server.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.TestChromium;
import dev.lanyard.server.secondfactor.TestAuthenticatorApp;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every page a person meets, in English and Chinese, checked in Chromium by axe-core
 * (Deque's engine, WCAG 2.1 A and AA rules): no serious or critical violation. Pages: the
 * login page, the second step, home, the account page, authenticator enrolment, the
 * recovery codes, consent, device activation, logout, the error page, and the console's
 * pages.
 */
class AccessibilityBrowserTest {

	private static final List<String> WCAG = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

	private static final String PASSWORD = "lin-password-for-accessibility-checks";

	private static LanyardTestServer node;

	@BeforeAll
	static void setUp() {
		node = LanyardTestServer.start(LanyardTestServer.newDeployment());
		node.bean(UserService.class)
			.importUser("lin", PASSWORD, "lin@example.com", List.of("user"), Map.of(), Map.of(), true);
	}

	@AfterAll
	static void tearDown() {
		node.close();
	}

	@Test
	void pagesWhenCheckedByAxeThenNoSeriousViolations() throws Exception {
		String base = node.baseUrl();
		Map<String, List<String>> found = new LinkedHashMap<>();
		WebDriver browser = TestChromium.start();
		try {
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
			for (String lang : List.of("en", "zh-CN")) {
				check(browser, base + "/login?lang=" + lang, found);
				check(browser, base + "/no-such-page?lang=" + lang, found);
				check(browser, base + "/logout/done?lang=" + lang, found);
			}
			browser.get(base + "/login?lang=en");
			signIn(browser, wait, "lin", PASSWORD);
			for (String lang : List.of("en", "zh-CN")) {
				check(browser, base + "/?lang=" + lang, found);
				check(browser, base + "/account?lang=" + lang, found);
				check(browser, base + "/activate?lang=" + lang, found);
				check(browser, base + "/logout?lang=" + lang, found);
			}
			// Consent: a client that asks for it.
			OAuthFlows flows = new OAuthFlows(base);
			browser.get(flows.authorizeUrl(OAuthFlows.codeRequest("consenting-app", TestBootstrap.REDIRECT_URI,
					"openid profile", "s", TestBrowser.Pkce.create())) + "&ui_locales=zh-CN");
			wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("form")));
			found.putAll(violations(browser, "consent"));

			// Authenticator enrolment and the recovery codes, then the second step.
			browser.get(base + "/account?lang=en");
			wait.until(ExpectedConditions.elementToBeClickable(By.id("add-authenticator"))).click();
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("secret")));
			found.putAll(violations(browser, "authenticator"));
			TestAuthenticatorApp app = new TestAuthenticatorApp(
					TestAuthenticatorApp
						.secretOf("<code id=\"secret\">" + browser.findElement(By.id("secret")).getText() + "</code>"),
					List.of());
			browser.findElement(By.id("code")).sendKeys(app.currentCode());
			browser.findElement(By.id("current")).sendKeys(PASSWORD);
			browser.findElement(By.id("confirm-authenticator")).click();
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("recovery-codes")));
			found.putAll(violations(browser, "recovery codes"));
			browser.manage().deleteAllCookies();
			browser.get(base + "/login?lang=zh-CN");
			signIn(browser, wait, "lin", PASSWORD);
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("code")));
			found.putAll(violations(browser, "second step"));
			browser.findElement(By.id("code")).sendKeys("000000");
			browser.findElement(By.id("verify")).click();
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("code-error")));
			found.putAll(violations(browser, "second step, wrong code"));

			// The console (this deployment lets administrators in with a password).
			browser.manage().deleteAllCookies();
			browser.get(base + "/admin?lang=en");
			signIn(browser, wait, "alice", TestBootstrap.ALICE_PASSWORD);
			wait.until(ExpectedConditions.urlContains("/admin"));
			for (String page : List.of("/admin", "/admin/clients", "/admin/clients/new", "/admin/users",
					"/admin/users/new", "/admin/keys", "/admin/sessions", "/admin/audit")) {
				check(browser, base + page + "?lang=zh-CN", found);
			}
		}
		finally {
			browser.quit();
		}
		assertThat(found).as("serious or critical accessibility violations, by page").isEmpty();
	}

	private static void check(WebDriver browser, String url, Map<String, List<String>> found) {
		browser.get(url);
		found.putAll(violations(browser, url));
	}

	private static Map<String, List<String>> violations(WebDriver browser, String page) {
		// Legacy mode: axe runs in the page itself rather than opening a blank window to
		// gather the results of every frame (these pages have none); a quarter less time.
		Results results = new AxeBuilder().setLegacyMode(true).withTags(WCAG).analyze(browser);
		assertThat(results.getErrorMessage()).as("axe ran on " + page).isNull();
		assertThat(results.getPasses()).as("rules axe checked and passed on " + page).hasSizeGreaterThan(10);
		List<String> serious = new ArrayList<>();
		for (Rule rule : results.getViolations()) {
			if ("serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact())) {
				rule.getNodes()
					.forEach((node) -> serious.add(rule.getId() + ": " + rule.getHelp() + " at " + node.getTarget()));
			}
		}
		return serious.isEmpty() ? Map.of() : Map.of(page, serious);
	}

	private static void signIn(WebDriver browser, WebDriverWait wait, String username, String password) {
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(username);
		browser.findElement(By.id("password")).sendKeys(password);
		browser.findElement(By.cssSelector("button[type=submit]")).click();
	}

}
