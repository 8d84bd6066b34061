package dev.lanyard.server.login;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long a login session lasts (ASVS 5.0 §7.3.1, §7.3.2) and what its id is made of
 * (§7.2.3), on two nodes sharing Redis-held sessions, an idle timeout of 4 s and an
 * absolute lifetime of 8 s.
 */
class LoginSessionLifetimeTest {

	private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);

	private static final Duration MAX_LIFETIME = Duration.ofSeconds(8);

	private static LanyardTestServer nodeA;

	private static LanyardTestServer nodeB;

	@BeforeAll
	static void start() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.login.session-timeout", IDLE_TIMEOUT.toSeconds() + "s");
		deployment.put("lanyard.login.session-max-lifetime", MAX_LIFETIME.toSeconds() + "s");
		LanyardTestServer[] nodes = LanyardTestServer.startTwoNodes(deployment);
		nodeA = nodes[0];
		nodeB = nodes[1];
	}

	@AfterAll
	static void stop() {
		LanyardTestServer.closeAll(nodeA, nodeB);
	}

	@Test
	void sessionWhenIdleLongerThanTheTimeoutThenSignInAgain() throws Exception {
		TestBrowser bob = signedIn();
		assertThat(bob.get(nodeA.baseUrl() + "/account").statusCode()).isEqualTo(200);

		Thread.sleep(IDLE_TIMEOUT.plusMillis(1500).toMillis());

		assertSentToSignIn(bob.get(nodeB.baseUrl() + "/account"));
	}

	/**
	 * Used all the time, on both nodes in turn, past the idle timeout: the session still
	 * ends once its absolute lifetime since the sign-in is over, on whichever node.
	 */
	@Test
	void sessionWhenBusyPastItsAbsoluteLifetimeThenSignInAgain() throws Exception {
		TestBrowser bob = signedIn();
		// Ages counted from after the sign-in's answer to before each request are never
		// more than the server's own, counted from the sign-in to the check.
		long signedIn = System.nanoTime();
		HttpResponse<String> page;
		Duration lastServed = Duration.ZERO;
		int request = 0;
		do {
			Duration age = Duration.ofNanos(System.nanoTime() - signedIn);
			page = bob.get(((request++ % 2 == 0) ? nodeA : nodeB).baseUrl() + "/account");
			if (page.statusCode() == 200) {
				lastServed = age;
			}
			Thread.sleep(300);
		}
		while (page.statusCode() == 200 && lastServed.compareTo(MAX_LIFETIME.multipliedBy(3)) < 0);

		assertThat(lastServed).as("served well past the idle timeout").isGreaterThan(IDLE_TIMEOUT.plusSeconds(1));
		assertThat(lastServed).as("not served past the absolute lifetime").isLessThan(MAX_LIFETIME);
		assertSentToSignIn(page);
		assertThat(TestBrowser.location(new OAuthFlows(nodeA.baseUrl()).signIn(bob, "bob", TestBootstrap.BOB_PASSWORD)))
			.doesNotContain("error");
		assertThat(bob.get(nodeA.baseUrl() + "/account").statusCode()).isEqualTo(200);
	}

	/**
	 * Session ids carry 256 bits (43 base64url characters) and never repeat; the sign-in
	 * gives the session a new one.
	 */
	@Test
	void sessionIdWhenSignedInThenLongRandomAndNew() {
		TestBrowser browser = new TestBrowser();
		browser.get(nodeA.baseUrl() + "/login");
		String beforeSignIn = sessionId(browser);
		new OAuthFlows(nodeA.baseUrl()).signIn(browser, "bob", TestBootstrap.BOB_PASSWORD);
		String afterSignIn = sessionId(browser);
		String other = sessionId(signedIn());

		assertThat(beforeSignIn).matches("[A-Za-z0-9_-]{43}");
		assertThat(afterSignIn).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(beforeSignIn).isNotEqualTo(other);
		assertThat(other).matches("[A-Za-z0-9_-]{43}");
	}

	private static String sessionId(TestBrowser browser) {
		String cookie = browser.cookie("LANYARD_SESSION");
		assertThat(cookie).isNotNull();
		return new String(Base64.getDecoder().decode(cookie), StandardCharsets.US_ASCII);
	}

	private static TestBrowser signedIn() {
		TestBrowser browser = new TestBrowser();
		HttpResponse<String> login = new OAuthFlows(nodeA.baseUrl()).signIn(browser, "bob", TestBootstrap.BOB_PASSWORD);
		assertThat(TestBrowser.location(login)).doesNotContain("error");
		return browser;
	}

	private static void assertSentToSignIn(HttpResponse<String> page) {
		assertThat(page.statusCode()).isEqualTo(302);
		assertThat(TestBrowser.location(page)).endsWith("/login");
	}

}
