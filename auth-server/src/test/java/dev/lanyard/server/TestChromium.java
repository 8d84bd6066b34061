package dev.lanyard.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the tests where a page is the product: the Debian chromium and
 * chromium-driver packages, required when {@code LANYARD_E2E_REQUIRED} is set (CI), the
 * test skipped otherwise when they are missing. Screenshots go to
 * {@code target/screenshots}, or to {@code -Dlanyard.screenshots=docs} to refresh the
 * README's.
 */
public final class TestChromium {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private TestChromium() {
	}

	/** A new browser, 1280 × 900, English unless the page is asked otherwise. */
	public static WebDriver start() {
		boolean available = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		if (System.getenv("LANYARD_E2E_REQUIRED") == null) {
			Assumptions.assumeTrue(available, "chromium and chromium-driver are not installed");
		}
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
					"--disable-sync", "--lang=en-US",
					"--user-data-dir=" + TestBackends.tempDirectory("lanyard-chromium"));
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		WebDriver browser = new ChromeDriver(service, options);
		browser.manage().window().setSize(new Dimension(1280, 900));
		browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
		return browser;
	}

	/** Saves what the browser shows. */
	public static void screenshot(WebDriver browser, String name) throws IOException {
		Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
		String target = System.getProperty("lanyard.screenshots");
		Path directory = (target != null) ? Path.of(target) : Path.of("target", "screenshots");
		Files.createDirectories(directory);
		Files.copy(shot, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
	}

}
