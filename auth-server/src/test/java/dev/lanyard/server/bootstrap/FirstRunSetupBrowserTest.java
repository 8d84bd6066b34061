package dev.lanyard.server.bootstrap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.TestChromium;
import dev.lanyard.server.secondfactor.TestAuthenticatorApp;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first hour in a real browser: a server started with no file and no variables, the
 * setup page in Chinese and English, the token from the data directory, and the new
 * administrator signed into the console after setting up two-step sign-in (the console
 * asks administrators for it, as shipped). Screenshot {@code docs/setup-page.png}.
 */
class FirstRunSetupBrowserTest {

	private static final String PASSWORD = "first-admin-harbor-lantern-2026";

	@Test
	void setupWhenTokenFromDataDirectoryThenFirstAdministratorReachesTheConsole() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", "");
		// As shipped: the console needs a second factor.
		deployment.remove("lanyard.login.mfa-required-roles");
		WebDriver browser = TestChromium.start();
		try (LanyardTestServer node = LanyardTestServer.start(deployment)) {
			String token = Files.readString(Path.of(deployment.get("lanyard.data-directory")).resolve("setup-token"))
				.strip();
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));

			browser.get(node.baseUrl() + "/setup?lang=zh-CN");
			assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1"))).getText())
				.isEqualTo("创建第一个管理员");
			browser.get(node.baseUrl() + "/setup?lang=en");
			browser.findElement(By.id("token")).sendKeys(token);
			browser.findElement(By.id("username")).sendKeys("first-admin");
			browser.findElement(By.id("password")).sendKeys(PASSWORD);
			browser.findElement(By.id("passwordAgain")).sendKeys(PASSWORD);
			TestChromium.screenshot(browser, "setup-page.png");
			browser.findElement(By.id("create-administrator")).click();

			// The console asks the new administrator to sign in, then opens.
			wait.until(ExpectedConditions.urlToBe(node.baseUrl() + "/login"));
			browser.findElement(By.id("username")).sendKeys("first-admin");
			browser.findElement(By.id("password")).sendKeys(PASSWORD);
			browser.findElement(By.cssSelector("button[type=submit]")).click();
			// Administrators use two-step sign-in: set it up on the account page first.
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("second-factor-required")));
			browser.findElement(By.id("add-authenticator")).click();
			TestAuthenticatorApp app = new TestAuthenticatorApp(TestAuthenticatorApp.secretOf("<code id=\"secret\">"
					+ wait.until(ExpectedConditions.presenceOfElementLocated(By.id("secret"))).getText() + "</code>"),
					List.of());
			browser.findElement(By.id("code")).sendKeys(app.currentCode());
			browser.findElement(By.id("current")).sendKeys(PASSWORD);
			browser.findElement(By.id("confirm-authenticator")).click();
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("done"))).click();
			browser.get(node.baseUrl() + "/admin");
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("code"))).sendKeys(app.nextCode());
			browser.findElement(By.id("verify")).click();
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("count-clients")));
			assertThat(browser.getCurrentUrl()).startsWith(node.baseUrl() + "/admin");

			browser.get(node.baseUrl() + "/setup");
			assertThat(browser.getPageSource()).doesNotContain("create-administrator");
		}
		finally {
			browser.quit();
		}
	}

}
