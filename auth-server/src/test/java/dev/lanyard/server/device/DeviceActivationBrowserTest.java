package dev.lanyard.server.device;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestChromium;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device authorization grant (RFC 8628) with its page in a real browser: a device
 * (nimbus's SDK) asks, the person opens the link it shows, signs in, sees the code filled
 * in, checks it against the device and allows; the device's poll then gets tokens. In
 * Chinese, with a screenshot of the confirmation ({@code docs/device-activate.png}).
 */
class DeviceActivationBrowserTest {

	private static final String CLIENT = "browser-tv";

	@Test
	void activateWhenPersonFollowsTheLinkSignsInAndAllowsThenTheDeviceGetsTokens() throws Exception {
		String issuer = SharedLanyard.server().baseUrl();
		SharedLanyard.server()
			.bean(ClientService.class)
			.importClient(new ClientRegistration(CLIENT, "客厅电视", true, null, "none", null, null, List.of(), List.of(),
					Set.of("urn:ietf:params:oauth:grant-type:device_code"), Set.of("profile", "email"), null, null,
					null, null, null, List.of(), null, null, null, null, null, null));
		DeviceAuthorizationResponse asked = DeviceAuthorizationResponse
			.parse(new DeviceAuthorizationRequest.Builder(new ClientID(CLIENT)).scope(new Scope("profile", "email"))
				.endpointURI(URI.create(issuer + "/oauth2/device_authorization"))
				.build()
				.toHTTPRequest()
				.send());
		assertThat(asked.indicatesSuccess()).isTrue();
		DeviceAuthorizationSuccessResponse device = asked.toSuccessResponse();
		String code = device.getUserCode().getValue();

		WebDriver browser = TestChromium.start();
		try {
			WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
			browser.get(device.getVerificationURIComplete() + "&lang=zh-CN");
			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys("bob");
			browser.findElement(By.id("password")).sendKeys(TestBootstrap.BOB_PASSWORD);
			browser.findElement(By.cssSelector("button[type=submit]")).click();

			// Back on the page, the code from the link filled in, nothing granted yet.
			assertThat(
					wait.until(ExpectedConditions.presenceOfElementLocated(By.id("user_code"))).getAttribute("value"))
				.isEqualTo(code);
			assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("连接设备");
			browser.findElement(By.id("continue")).click();

			wait.until(ExpectedConditions.presenceOfElementLocated(By.id("allow")));
			assertThat(browser.findElement(By.id("shown-code")).getText()).isEqualTo(code);
			assertThat(browser.findElement(By.tagName("h1")).getText()).contains("客厅电视");
			TestChromium.screenshot(browser, "device-activate.png");
			browser.findElement(By.id("allow")).click();
			assertThat(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("result"))).getText())
				.contains("客厅电视");
		}
		finally {
			browser.quit();
		}

		TokenResponse tokens = TokenResponse.parse(new TokenRequest(URI.create(issuer + "/oauth2/token"),
				new ClientID(CLIENT), new DeviceCodeGrant(device.getDeviceCode()))
			.toHTTPRequest()
			.send());
		assertThat(tokens.indicatesSuccess()).as(() -> tokens.toErrorResponse().getErrorObject().toString()).isTrue();
		assertThat(tokens.toSuccessResponse().getTokens().getAccessToken().getScope())
			.isEqualTo(new Scope("profile", "email"));
	}

}
