package dev.lanyard.server.passkey;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.TestChromium;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Passkeys in Chromium with Chrome's virtual authenticator (a platform authenticator that
 * keeps discoverable credentials and verifies its user): one added on the account page; a
 * code flow signed in with the passkey alone ({@code amr} hwk, mfa in the ID token and
 * the exchanged JWT); the passkey as the second factor after the password; refused when
 * the authenticator does not verify its user; removed with the password. Screenshot
 * {@code docs/passkey-sign-in.png} (Chinese).
 */
class PasskeyBrowserTest {

	private static final String PASSWORD = "pia-password-for-passkey-browser";

	private static LanyardTestServer node;

	@BeforeAll
	static void setUp() {
		// The relying-party id is the issuer's host: http://localhost:<port>.
		node = LanyardTestServer.start(LanyardTestServer.newDeployment());
		node.bean(UserService.class)
			.importUser("pia", PASSWORD, "pia@example.com", List.of("user"), Map.of(), Map.of("name", "Pia"), true);
	}

	@AfterAll
	static void tearDown() {
		node.close();
	}

	@Test
	void passkeyWhenAddedOnAccountPageThenSignsInAloneOrAsSecondFactor() throws Exception {
		String base = node.baseUrl();
		OAuthFlows flows = new OAuthFlows(base);
		WebDriver browser = TestChromium.start();
		try {
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
			VirtualAuthenticator authenticator = ((HasVirtualAuthenticator) browser).addVirtualAuthenticator(
					new VirtualAuthenticatorOptions().setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
						.setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
						.setHasResidentKey(true)
						.setHasUserVerification(true)
						.setIsUserVerified(true));

			browser.get(base + "/login?lang=en");
			signInWithPassword(browser, wait);
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("manage-account"))).click();
			wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-passkey-form")));
			browser.findElement(By.id("passkey-label")).sendKeys("Laptop");
			browser.findElement(By.id("passkey-current")).sendKeys(PASSWORD);
			browser.findElement(By.id("add-passkey")).click();
			// The first second factor: sign-in now asks for it, so recovery codes, once.
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("recovery-codes")));
			assertThat(browser.findElements(By.cssSelector("#recovery-codes code"))).hasSize(10);
			browser.findElement(By.id("done")).click();
			assertThat(
					wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".passkey-label"))).getText())
				.isEqualTo("Laptop");
			assertThat(browser.findElement(By.id("two-step-passkeys")).getText()).contains("one of your passkeys");
			assertThat(authenticator.getCredentials()).hasSize(1);
			assertThat(authenticator.getCredentials().get(0).isResidentCredential()).isTrue();
			assertThat(authenticator.getCredentials().get(0).getRpId()).isEqualTo("localhost");

			// The passkey alone, without a username, through a code flow.
			forget(browser, base);
			TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
			browser.get(flows.authorizeUrl(
					OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile", "s1", pkce)));
			browser.get(base + "/login?lang=zh-CN");
			wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("passkey-signin")));
			TestChromium.screenshot(browser, "passkey-sign-in.png");
			browser.findElement(By.id("passkey-signin")).click();
			wait.until(ExpectedConditions.urlContains("code="));
			Map<String, Object> tokens = tokens(flows, browser.getCurrentUrl(), pkce);
			// "Remember this device" is ticked by default: the passkey's sign-in keeps
			// it.
			assertThat(deviceCookie(browser, base)).isNotNull();
			Map<String, Object> idToken = TestBrowser.jwtClaims((String) tokens.get("id_token"));
			assertThat(idToken).containsEntry("amr", List.of("hwk", "mfa"))
				.containsEntry("acr", "urn:lanyard:acr:multi-factor");
			HttpResponse<String> exchanged = flows.exchangeAtGateway((String) tokens.get("access_token"));
			assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
			assertThat(TestBrowser.jwtClaims((String) TestBrowser.json(exchanged).get("access_token")))
				.containsEntry("amr", List.of("hwk", "mfa"));

			// After the password, the passkey is asked as the second factor.
			forget(browser, base);
			TestBrowser.Pkce second = TestBrowser.Pkce.create();
			browser.get(flows
				.authorizeUrl(OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid", "s2", second)));
			wait.until(ExpectedConditions.elementToBeClickable(By.id("remember-device"))).click();
			signInWithPassword(browser, wait);
			wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("passkey-second-factor"))).click();
			wait.until(ExpectedConditions.urlContains("code="));
			String callback = browser.getCurrentUrl();
			// Not ticked at the password: the second step does not remember the browser.
			assertThat(deviceCookie(browser, base)).isNull();
			assertThat(TestBrowser.jwtClaims((String) tokens(flows, callback, second).get("id_token")))
				.containsEntry("amr", List.of("pwd", "hwk", "mfa"));

			// An authenticator that does not verify its user does not sign anyone in
			// alone.
			authenticator.setUserVerified(false);
			forget(browser, base);
			browser.get(base + "/login?lang=en");
			wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("passkey-signin"))).click();
			wait.until((driver) -> driver.getCurrentUrl().contains("passkey")
					|| driver.findElement(By.cssSelector("#passkey-form .passkey-failed")).isDisplayed());
			browser.get(base + "/account");
			assertThat(browser.getCurrentUrl()).contains("/login");
			authenticator.setUserVerified(true);

			// Removed with the password: the page lists none, and the password alone
			// signs in again.
			browser.get(base + "/login?lang=en");
			signInWithPassword(browser, wait);
			wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("passkey-second-factor"))).click();
			// Back to the page asked for before (the account page).
			wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("add-passkey-form")));
			browser.findElement(By.cssSelector("li.passkey form[action$='/remove'] input[name=current]"))
				.sendKeys(PASSWORD);
			browser.findElement(By.cssSelector("li.passkey form[action$='/remove'] button[type=submit]")).click();
			assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("passkeys-none"))).isDisplayed())
				.isTrue();
			forget(browser, base);
			browser.get(base + "/login?lang=en");
			signInWithPassword(browser, wait);
			wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login")));
			assertThat(browser.getCurrentUrl()).doesNotContain("second-factor");
		}
		finally {
			browser.quit();
		}
	}

	private static Map<String, Object> tokens(OAuthFlows flows, String callback, TestBrowser.Pkce pkce) {
		return flows.tokensFor(callback, "web-app", TestBootstrap.WEB_APP_SECRET, TestBootstrap.REDIRECT_URI, pkce);
	}

	/**
	 * A browser that never signed in: cookies go by the page's site, so from a page of
	 * Lanyard's (the last one may be the client's callback).
	 */
	/** The device cookie Lanyard set in the browser (read on one of Lanyard's pages). */
	private static Cookie deviceCookie(WebDriver browser, String base) {
		browser.get(base + "/login/second-factor");
		return browser.manage().getCookieNamed("LANYARD_DEVICE");
	}

	private static void forget(WebDriver browser, String base) {
		browser.get(base + "/logout/done");
		browser.manage().deleteAllCookies();
	}

	private static void signInWithPassword(WebDriver browser, WebDriverWait wait) {
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys("pia");
		browser.findElement(By.id("password")).sendKeys(PASSWORD);
		browser.findElement(By.cssSelector("form[action$='/login'] button[type=submit]")).click();
	}

}
