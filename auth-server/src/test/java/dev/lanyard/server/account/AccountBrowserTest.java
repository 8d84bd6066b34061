package dev.lanyard.server.account;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestChromium;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The account page in a real browser, in Chinese: reached from the signed-in home page,
 * the profile saved with the keyboard alone (Tab to the button, Enter), the applications
 * and sign-ins listed. Screenshot {@code docs/account-page.png}.
 */
class AccountBrowserTest {

	private static final String PASSWORD = "uma-password-for-account-browser";

	@Test
	void accountWhenProfileSavedWithTheKeyboardThenShownSaved() throws Exception {
		String base = SharedLanyard.server().baseUrl();
		SharedLanyard.server()
			.bean(UserService.class)
			.importUser("uma", PASSWORD, "uma@example.com", List.of("user"), Map.of(), Map.of("name", "Uma"), true);
		WebDriver browser = TestChromium.start();
		try {
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
			browser.get(base + "/login?lang=zh-CN");
			browser.findElement(By.id("username")).sendKeys("uma");
			browser.findElement(By.id("password")).sendKeys(PASSWORD);
			browser.findElement(By.cssSelector("button[type=submit]")).click();
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("manage-account"))).click();

			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("profile-heading")));
			assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("您的账户");
			assertThat(browser.findElement(By.id("claim-name")).getAttribute("value")).isEqualTo("Uma");
			assertThat(browser.findElement(By.id("claim-website")).getAttribute("value")).as("each field its own")
				.isEmpty();
			WebElement givenName = browser.findElement(By.id("claim-given_name"));
			givenName.sendKeys("乌玛");
			// Keyboard only: from the last profile field, Tab reaches the save button.
			WebElement lastField = browser.findElement(By.id("claim-address-country"));
			lastField.sendKeys("中国");
			lastField.sendKeys(Keys.TAB);
			assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("save-profile");
			browser.switchTo().activeElement().sendKeys(Keys.ENTER);

			assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("notice"))).getText())
				.isEqualTo("您的个人资料已保存。");
			assertThat(browser.findElement(By.id("claim-given_name")).getAttribute("value")).isEqualTo("乌玛");
			assertThat(browser.findElement(By.id("sign-ins-heading")).getText()).isEqualTo("最近登录");
			((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
			TestChromium.screenshot(browser, "account-page.png");
		}
		finally {
			browser.quit();
		}
	}

}
