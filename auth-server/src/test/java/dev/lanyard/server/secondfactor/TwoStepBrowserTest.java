package dev.lanyard.server.secondfactor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.TestChromium;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two-step sign-in in a real browser, with the shipped defaults: an administrator without
 * a second factor is sent from the console to the account page, sets up an authenticator
 * app there (the QR code on the page, the key read as the person would type it, the first
 * code computed from it), keeps the recovery codes, reaches the console after giving a
 * code; a later sign-in asks for the code, refuses a used one, and takes a recovery code
 * once. Screenshots {@code docs/totp-enrolment.png} and {@code docs/second-factor.png}
 * (Chinese).
 */
class TwoStepBrowserTest {

	private static final String PASSWORD = "kim-password-for-two-step-browser";

	private static LanyardTestServer node;

	@BeforeAll
	static void setUp() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.remove("lanyard.login.mfa-required-roles");
		node = LanyardTestServer.start(deployment);
		node.bean(UserService.class)
			.importUser("kim", PASSWORD, "kim@example.com", List.of("user", "admin"), Map.of(), Map.of(), true);
	}

	@AfterAll
	static void tearDown() {
		node.close();
	}

	@Test
	void twoStepWhenSetUpInTheBrowserThenConsoleAndSignInAskForTheCode() throws Exception {
		String base = node.baseUrl();
		WebDriver browser = TestChromium.start();
		try {
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
			browser.get(base + "/admin?lang=en");
			signIn(browser, wait);
			// Password alone: the console sends the administrator to set up a second
			// factor.
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("second-factor-required")));
			assertThat(browser.getCurrentUrl()).contains("/account");
			browser.findElement(By.id("add-authenticator")).click();

			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("secret")));
			assertThat(browser.findElement(By.cssSelector(".qr svg")).isDisplayed()).isTrue();
			TestAuthenticatorApp app = new TestAuthenticatorApp(
					TestAuthenticatorApp
						.secretOf("<code id=\"secret\">" + browser.findElement(By.id("secret")).getText() + "</code>"),
					List.of());
			browser.get(base + "/account/authenticator?lang=zh-CN");
			TestChromium.screenshot(browser, "totp-enrolment.png");
			browser.findElement(By.id("code")).sendKeys(app.currentCode());
			browser.findElement(By.id("current")).sendKeys(PASSWORD);
			browser.findElement(By.id("confirm-authenticator")).click();

			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("recovery-codes")));
			List<String> recoveryCodes = new ArrayList<>();
			for (WebElement code : browser.findElements(By.cssSelector("#recovery-codes code"))) {
				recoveryCodes.add(code.getText());
			}
			assertThat(recoveryCodes).hasSize(10);
			browser.findElement(By.id("done")).click();

			// The console: this session signed in with the password alone, so the code
			// first, then the page.
			browser.get(base + "/admin?lang=en");
			// Kept: the same code later is a used one, whatever the clock does meanwhile.
			String used = new TestAuthenticatorApp(app.secret(), recoveryCodes).nextCode();
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("code"))).sendKeys(used);
			browser.findElement(By.id("verify")).click();
			wait.until(ExpectedConditions.urlContains("/admin"));
			assertThat(browser.getCurrentUrl()).doesNotContain("second-factor");

			// A later sign-in: the code after the password; a used one is refused.
			browser.manage().deleteAllCookies();
			browser.get(base + "/admin?lang=zh-CN");
			signIn(browser, wait);
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("code")));
			browser.get(base + "/login/second-factor?lang=zh-CN");
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("code")));
			TestChromium.screenshot(browser, "second-factor.png");
			browser.findElement(By.id("code")).sendKeys(used);
			browser.findElement(By.id("verify")).click();
			assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("code-error"))).getText())
				.isEqualTo("验证码错误或已被使用。");

			// A recovery code, typed in capitals with spaces: once.
			browser.findElement(By.id("code")).sendKeys(recoveryCodes.get(0).toUpperCase().replace('-', ' '));
			browser.findElement(By.id("verify")).click();
			wait.until(ExpectedConditions.urlContains("/admin"));
			assertThat(browser.getCurrentUrl()).doesNotContain("second-factor");
			browser.manage().deleteAllCookies();
			browser.get(base + "/login?lang=en");
			signIn(browser, wait);
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("code"))).sendKeys(recoveryCodes.get(0));
			browser.findElement(By.id("verify")).click();
			assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("code-error"))).getText())
				.isEqualTo("That code is wrong or was used already.");
		}
		finally {
			browser.quit();
		}
	}

	private static void signIn(WebDriver browser, WebDriverWait wait) {
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys("kim");
		browser.findElement(By.id("password")).sendKeys(PASSWORD);
		browser.findElement(By.cssSelector("button[type=submit]")).click();
	}

}
