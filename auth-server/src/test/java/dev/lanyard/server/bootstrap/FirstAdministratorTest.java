package dev.lanyard.server.bootstrap;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A first start without a bootstrap file: the first administrator comes from
 * {@code LANYARD_BOOTSTRAP_ADMIN_USERNAME} / {@code _PASSWORD} (a container's start),
 * once, even with two nodes; a weak password stops the start with a clear message;
 * without them, the log says how to create one. The password is never logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class FirstAdministratorTest {

	private static final String PASSWORD = "first-admin-harbor-lantern-2026";

	@Test
	void firstStartWhenAdminVariablesThenOneAdministratorWhoSignsIntoTheConsole(CapturedOutput output) {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", "");
		deployment.put("LANYARD_BOOTSTRAP_ADMIN_USERNAME", "root-admin");
		deployment.put("LANYARD_BOOTSTRAP_ADMIN_PASSWORD", PASSWORD);
		try (LanyardTestServer nodeA = LanyardTestServer.start(deployment);
				LanyardTestServer nodeB = LanyardTestServer.start(deployment)) {
			JdbcClient jdbc = JdbcClient.create(nodeA.bean(DataSource.class));
			assertThat(jdbc.sql("SELECT count(*) FROM users WHERE 'admin' = ANY(roles)").query(Long.class).single())
				.isEqualTo(1);
			assertThat(jdbc.sql("SELECT count(*) FROM audit_events WHERE action = 'bootstrap.admin_created'")
				.query(Long.class)
				.single()).isEqualTo(1);
			TestBrowser browser = new TestBrowser();
			OAuthFlows flows = new OAuthFlows(nodeB.baseUrl());
			assertThat(flows.signIn(browser, "root-admin", PASSWORD).statusCode()).isIn(302, 303);
			HttpResponse<String> console = browser.get(flows.url("/admin"));
			assertThat(console.statusCode()).isEqualTo(200);
		}
		assertThat(output).contains("Created the first administrator, root-admin")
			.contains("An administrator exists")
			.doesNotContain(PASSWORD);
	}

	@Test
	void firstStartWhenWeakPasswordThenStopsWithTheRule(CapturedOutput output) {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", "");
		deployment.put("LANYARD_BOOTSTRAP_ADMIN_USERNAME", "root-admin");
		deployment.put("LANYARD_BOOTSTRAP_ADMIN_PASSWORD", "admin");
		assertThatThrownBy(() -> LanyardTestServer.start(deployment).close()).isInstanceOf(BootstrapFileException.class)
			.hasMessageContaining("LANYARD_BOOTSTRAP_ADMIN_PASSWORD breaks the password policy");
	}

	/**
	 * Neither file nor variables: the log prints a one-time setup link; the page creates
	 * the first administrator from this machine only, with the token, and then closes.
	 */
	@Test
	void firstStartWhenNoAdministratorThenSetupLinkCreatesOneOnceFromLoopbackOnly(CapturedOutput output) {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", "");
		try (LanyardTestServer node = LanyardTestServer.start(deployment)) {
			Matcher link = Pattern.compile("open (http\\S+/setup\\?token=(\\S+)) to create").matcher(output.toString());
			assertThat(link.find()).as("a setup link in the log").isTrue();
			String token = link.group(2);
			OAuthFlows flows = new OAuthFlows(node.baseUrl());
			TestBrowser browser = new TestBrowser();
			assertThat(browser.get(flows.url("/setup?token=" + token)).statusCode()).isEqualTo(200);
			assertThat(browser.get(flows.url("/setup?token=wrong")).statusCode()).isEqualTo(404);
			assertThat(browser.get(flows.url("/setup")).statusCode()).isEqualTo(404);
			// Relayed by a proxy (its own address would be loopback): not this machine.
			assertThat(browser.get(flows.url("/setup?token=" + token), "X-Forwarded-For", "203.0.113.9").statusCode())
				.isEqualTo(404);

			HttpResponse<String> page = browser.get(flows.url("/setup?token=" + token));
			HttpResponse<String> mismatch = browser.postForm(flows.url("/setup"),
					Map.of("token", token, "username", "first-admin", "password", PASSWORD, "passwordAgain", "other",
							"_csrf", TestBrowser.csrf(page.body())));
			assertThat(mismatch.statusCode()).isEqualTo(200);
			assertThat(mismatch.body()).contains("The two passwords differ");
			HttpResponse<String> weak = browser.postForm(flows.url("/setup"),
					Map.of("token", token, "username", "first-admin", "password", "password", "passwordAgain",
							"password", "_csrf", TestBrowser.csrf(mismatch.body())));
			assertThat(weak.body()).contains("too common");
			HttpResponse<String> created = browser.postForm(flows.url("/setup"),
					Map.of("token", token, "username", "first-admin", "password", PASSWORD, "passwordAgain", PASSWORD,
							"_csrf", TestBrowser.csrf(weak.body())));
			assertThat(created.statusCode()).isIn(302, 303);
			assertThat(TestBrowser.location(created)).endsWith("/admin");

			// Closed for good.
			assertThat(new TestBrowser().get(flows.url("/setup?token=" + token)).statusCode()).isEqualTo(404);
			TestBrowser admin = new TestBrowser();
			assertThat(flows.signIn(admin, "first-admin", PASSWORD).statusCode()).isIn(302, 303);
			assertThat(admin.get(flows.url("/admin")).statusCode()).isEqualTo(200);
		}
		assertThat(output).doesNotContain(PASSWORD);
	}

}
