package dev.lanyard.server.login;

import java.net.http.HttpResponse;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LG-06: repeated failures for one account are throttled across nodes (counters in Redis),
 * for accounts that exist and accounts that do not alike; the limit is per window, not a
 * permanent lockout.
 */
class LoginThrottleTest {

	private static LanyardTestServer nodeA;

	private static LanyardTestServer nodeB;

	@BeforeAll
	static void startTwoNodes() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.login.max-attempts-per-account", "6");
		deployment.put("lanyard.login.max-attempts-per-address", "1000");
		deployment.put("lanyard.issuer", "http://localhost:1");
		nodeA = LanyardTestServer.start(deployment);
		nodeB = LanyardTestServer.start(deployment);
	}

	@AfterAll
	static void stop() {
		nodeA.close();
		nodeB.close();
	}

	@Test
	void loginWhenTooManyFailuresAcrossNodesThenThrottledEvenWithRightPassword() {
		OAuthFlows a = new OAuthFlows(nodeA.baseUrl());
		OAuthFlows b = new OAuthFlows(nodeB.baseUrl());
		for (int i = 0; i < 6; i++) {
			OAuthFlows node = (i % 2 == 0) ? a : b;
			HttpResponse<String> failure = node.signIn(new TestBrowser(), "alice", "wrong-password-" + i);
			assertThat(TestBrowser.location(failure)).endsWith("/login?error");
		}
		HttpResponse<String> throttled = a.signIn(new TestBrowser(), "alice", TestBootstrap.ALICE_PASSWORD);
		assertThat(TestBrowser.location(throttled)).endsWith("/login?throttled");
		HttpResponse<String> alsoOnB = b.signIn(new TestBrowser(), "ALICE", TestBootstrap.ALICE_PASSWORD);
		assertThat(TestBrowser.location(alsoOnB)).endsWith("/login?throttled");
		TestBrowser browser = new TestBrowser();
		String page = browser.get(TestBrowser.location(throttled)).body();
		assertThat(page).contains("Too many sign-in attempts");
		// Another account is not affected.
		assertThat(TestBrowser.location(b.signIn(new TestBrowser(), "bob", TestBootstrap.BOB_PASSWORD)))
			.doesNotContain("login?");
	}

	@Test
	void loginWhenAccountDoesNotExistThenThrottledTheSameWay() {
		OAuthFlows a = new OAuthFlows(nodeA.baseUrl());
		for (int i = 0; i < 6; i++) {
			assertThat(TestBrowser.location(a.signIn(new TestBrowser(), "ghost", "guess-" + i))).endsWith("/login?error");
		}
		assertThat(TestBrowser.location(a.signIn(new TestBrowser(), "ghost", "guess-7"))).endsWith("/login?throttled");
	}

	@Test
	void loginWhenSucceededThenSlotsGivenBack() {
		OAuthFlows a = new OAuthFlows(nodeA.baseUrl());
		for (int i = 0; i < 20; i++) {
			HttpResponse<String> login = a.signIn(new TestBrowser(), "bob", TestBootstrap.BOB_PASSWORD);
			assertThat(TestBrowser.location(login)).as("login %d", i).doesNotContain("throttled");
		}
	}

	/** Password confirmations in the console take from the same bound as the login page. */
	@Test
	void consoleConfirmationWhenTooManyWrongPasswordsThenRefusedEvenWhenRight() {
		String username = "second-admin";
		String password = "second-admin-password-42";
		nodeA.bean(UserService.class)
			.create(username, null, password, true, false, java.util.List.of("admin"), Map.of());
		OAuthFlows a = new OAuthFlows(nodeA.baseUrl());
		TestBrowser admin = new TestBrowser();
		assertThat(TestBrowser.location(a.signIn(admin, username, password))).doesNotContain("login?");
		String userPage = a.url("/admin/users/" + nodeA.bean(JdbcUserAccountRepository.class)
			.findByLoginName("bob").orElseThrow().id());
		String csrf = TestBrowser.csrf(admin.get(userPage).body());
		for (int i = 0; i < 6; i++) {
			HttpResponse<String> wrong = admin.postForm(userPage + "/password", Map.of("_csrf", csrf, "password",
					"bobs-new-password-99", "confirmPassword", "not-it-" + i));
			assertThat(wrong.body()).contains("That is not your password.");
		}
		HttpResponse<String> right = admin.postForm(userPage + "/password", Map.of("_csrf", csrf, "password",
				"bobs-new-password-99", "confirmPassword", password));
		assertThat(right.body()).contains("That is not your password.");
		assertThat(TestBrowser.location(a.signIn(new TestBrowser(), "bob", TestBootstrap.BOB_PASSWORD)))
			.doesNotContain("login?");
	}

}
