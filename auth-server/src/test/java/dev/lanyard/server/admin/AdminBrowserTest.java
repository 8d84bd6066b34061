package dev.lanyard.server.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.TestChromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path a person takes, in a real browser (Debian's chromium, headless): an
 * administrator signs in, registers a confidential client with a redirect URI, copies the
 * secret shown once; then that client runs an authorization-code flow with a user, and
 * redeems the code with the copied secret. Along the way it takes the screenshots in
 * {@code docs/} (written there when {@code -Dlanyard.screenshots=
 *
<dir>
 * } is set).
 */
class AdminBrowserTest {

	private WebDriver browser;

	private HttpServer clientApp;

	private final BlockingQueue<String> callbacks = new LinkedBlockingQueue<>();

	@BeforeEach
	void startBrowserAndClientApp() throws IOException {
		this.browser = TestChromium.start();

		// The client application: it only receives the browser at its redirect URI.
		this.clientApp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.clientApp.createContext("/callback", (exchange) -> {
			this.callbacks.add(exchange.getRequestURI().toString());
			byte[] page = "<!DOCTYPE html><title>Client app</title><p>Signed in.</p>".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
			exchange.sendResponseHeaders(200, page.length);
			try (OutputStream body = exchange.getResponseBody()) {
				body.write(page);
			}
		});
		this.clientApp.start();
	}

	@AfterEach
	void stop() {
		if (this.browser != null) {
			this.browser.quit();
		}
		if (this.clientApp != null) {
			this.clientApp.stop(0);
		}
	}

	@Test
	void adminRegistersClientAndThatClientSignsAUserIn() throws Exception {
		OAuthFlows flows = SharedLanyard.flows();
		WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(15));

		// An administrator opens the console and meets the hosted login page.
		this.browser.get(flows.url("/admin"));
		wait.until(ExpectedConditions.urlToBe(flows.url("/login")));
		screenshot("login-page.png");
		this.browser.findElement(By.id("username")).sendKeys("alice");
		this.browser.findElement(By.id("password")).sendKeys(TestBootstrap.ALICE_PASSWORD);
		this.browser.findElement(By.cssSelector("button[type=submit]")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("count-clients")));
		screenshot("admin-dashboard.png");

		// Gives bob standard claims (a given name, a city) on his user page.
		this.browser.findElement(By.linkText("Users")).click();
		this.browser.findElement(By.linkText("bob")).click();
		WebElement givenName = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("claim-given_name")));
		givenName.clear();
		givenName.sendKeys("Robert");
		WebElement locality = this.browser.findElement(By.id("claim-address.locality"));
		locality.clear();
		locality.sendKeys("Lyon");
		new Actions(this.browser).scrollToElement(locality).perform();
		screenshot("admin-user-form.png");
		this.browser.findElement(By.cssSelector("form.admin-form button.primary")).click();
		wait.until(ExpectedConditions.urlContains("saved"));
		assertThat(this.browser.findElement(By.id("claim-given_name")).getDomProperty("value")).isEqualTo("Robert");

		// Registers a confidential client with a redirect URI.
		this.browser.findElement(By.linkText("Clients")).click();
		this.browser.findElement(By.id("new-client")).click();
		String clientId = "browser-" + UUID.randomUUID().toString().substring(0, 8);
		String redirectUri = "http://127.0.0.1:" + this.clientApp.getAddress().getPort() + "/callback";
		this.browser.findElement(By.id("clientId")).sendKeys(clientId);
		this.browser.findElement(By.id("clientName")).sendKeys("Browser Test App");
		this.browser.findElement(By.id("redirectUris")).sendKeys(redirectUri);
		// A client that can receive codes at a redirect URI needs the password again
		// (HD-07).
		this.browser.findElement(By.id("confirmPassword")).sendKeys(TestBootstrap.ALICE_PASSWORD);
		screenshot("admin-client-form.png");
		this.browser.findElement(By.id("save-client")).click();

		// Copies the secret shown once.
		String secret = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("client-secret")))
			.getDomAttribute("value");
		assertThat(secret).startsWith("lycs_");

		// Creates an initial access token for dynamic registration; a pipeline registers
		// a client with it.
		this.browser.findElement(By.linkText("Registration tokens")).click();
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("description"))).sendKeys("Team billing CI");
		WebElement uses = this.browser.findElement(By.id("uses"));
		uses.clear();
		uses.sendKeys("2");
		this.browser.findElement(By.id("confirmPassword")).sendKeys(TestBootstrap.ALICE_PASSWORD);
		this.browser.findElement(By.id("create-registration-token")).click();
		String initialToken = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("registration-token")))
			.getDomAttribute("value");
		assertThat(initialToken).startsWith("lyit_");
		screenshot("admin-registration-tokens.png");
		HttpResponse<String> registered = new TestBrowser()
			.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(flows.url("/connect/register")))
				.header("Authorization", "Bearer " + initialToken)
				.header("Content-Type", "application/json")
				.POST(java.net.http.HttpRequest.BodyPublishers
					.ofString("{\"client_name\":\"Pipeline\",\"redirect_uris\":[\"https://ci.example/cb\"]}"))
				.build());
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		this.browser.findElement(By.cssSelector(".admin-account form.inline button")).click();
		wait.until(ExpectedConditions.urlContains("/logout/done"));

		// The client sends a user to sign in.
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		this.browser
			.get(flows.authorizeUrl(OAuthFlows.codeRequest(clientId, redirectUri, "openid profile", "xyz", pkce)));
		wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys("bob");
		this.browser.findElement(By.id("password")).sendKeys(TestBootstrap.BOB_PASSWORD);
		this.browser.findElement(By.cssSelector("button[type=submit]")).click();
		String callback = this.callbacks.poll(20, TimeUnit.SECONDS);
		assertThat(callback).as("the browser reached the client's redirect URI").isNotNull();
		Map<String, String> response = TestBrowser.queryParameters("http://x" + callback);
		assertThat(response.get("state")).isEqualTo("xyz");
		assertThat(response.get("iss")).isEqualTo(SharedLanyard.server().baseUrl());

		// The client redeems the code with the secret the administrator copied.
		HttpResponse<String> tokens = flows.redeemCode(new TestBrowser(), clientId, secret, response.get("code"),
				redirectUri, pkce.verifier());
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		String accessToken = (String) TestBrowser.json(tokens).get("access_token");
		HttpResponse<String> userInfo = new TestBrowser().get(flows.url("/userinfo"), "Authorization",
				"Bearer " + accessToken);
		assertThat(TestBrowser.json(userInfo)).containsEntry("preferred_username", "bob")
			.containsEntry("given_name", "Robert")
			.doesNotContainKey("address");
	}

	private void screenshot(String name) throws IOException {
		TestChromium.screenshot(this.browser, name);
	}

}
