package dev.lanyard.server.bootstrap;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
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
			// LG-18: nothing seeded beside the operator's administrator, no account, no
			// client.
			assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single()).isEqualTo(1);
			assertThat(jdbc.sql("SELECT count(*) FROM oauth_clients").query(Long.class).single()).isZero();
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

	/**
	 * Once an administrator existed, setup never reopens: the last active administrator
	 * cannot take the role from themselves, nor be disabled or locked, in the console or
	 * the API; with another one they can. Two administrators taking the role from each
	 * other at once (held here until both wait): one goes, the other is refused. Nothing
	 * stopped any of it, and the console was closed for good.
	 */
	@Test
	void lastAdministratorWhenShutOutThenRefusedAlsoWhenTwoAtOnce() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", "");
		deployment.put("LANYARD_BOOTSTRAP_ADMIN_USERNAME", "root-admin");
		deployment.put("LANYARD_BOOTSTRAP_ADMIN_PASSWORD", PASSWORD);
		try (LanyardTestServer node = LanyardTestServer.start(deployment)) {
			UserService users = node.bean(UserService.class);
			JdbcClient jdbc = JdbcClient.create(node.bean(DataSource.class));
			UUID root = jdbc.sql("SELECT id FROM users WHERE username = 'root-admin'").query(UUID.class).single();
			TestBrowser browser = new TestBrowser();
			OAuthFlows flows = new OAuthFlows(node.baseUrl());
			flows.signIn(browser, "root-admin", PASSWORD);
			String csrf = TestBrowser.csrf(browser.get(flows.url("/admin/users/" + root)).body());
			Map<String, String> demoted = Map.of("_csrf", csrf, "username", "root-admin", "roles", "user", "enabled",
					"true", "confirmPassword", PASSWORD);
			// An unticked box is sent as its marker alone.
			Map<String, String> disabled = Map.of("_csrf", csrf, "username", "root-admin", "roles", "admin", "_enabled",
					"on", "confirmPassword", PASSWORD);
			Map<String, String> locked = Map.of("_csrf", csrf, "username", "root-admin", "roles", "admin", "enabled",
					"true", "locked", "true", "confirmPassword", PASSWORD);
			for (Map<String, String> form : List.of(demoted, disabled, locked)) {
				assertThat(browser.postForm(flows.url("/admin/users/" + root + "?lang=en"), form).body())
					.contains("This is the last active administrator");
			}
			assertThat(browser.get(flows.url("/admin")).statusCode()).isEqualTo(200);

			// With a second administrator, each may step down, but not both at once.
			UUID deputy = users
				.importUser("deputy-admin", PASSWORD + "-deputy", null, List.of("admin"), Map.of(), Map.of(), true)
				.after()
				.id();
			DataSource database = node.bean(DataSource.class);
			List<CompletableFuture<String>> stepDowns = new ArrayList<>();
			try (Connection holder = database.getConnection()) {
				holder.setAutoCommit(false);
				try (PreparedStatement lock = holder.prepareStatement("SELECT 1 FROM users FOR UPDATE")) {
					lock.executeQuery();
				}
				for (UUID id : List.of(root, deputy)) {
					stepDowns.add(CompletableFuture.supplyAsync(() -> {
						UserAccount account = users.get(id);
						try {
							users.update(id, account.username(), account.email(), true, false, List.of("user"),
									account.attributes(), null);
							return "stepped down";
						}
						catch (InputRejectedException ex) {
							return ex.problems().get(0).code();
						}
					}));
				}
				TestBackends.awaitLockWaiters(database, 2);
				holder.rollback();
			}
			List<String> outcomes = new ArrayList<>();
			for (CompletableFuture<String> stepDown : stepDowns) {
				outcomes.add(stepDown.get(10, TimeUnit.SECONDS));
			}
			assertThat(outcomes).containsExactlyInAnyOrder("stepped down", "user.last-administrator");
			assertThat(jdbc.sql("SELECT count(*) FROM users WHERE 'admin' = ANY(roles)").query(Long.class).single())
				.isEqualTo(1);
		}
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
	 * Neither file nor variables: Lanyard writes a one-time setup token to its data
	 * directory (never to the log or a URL); /setup creates the first administrator for
	 * whoever gives it, once; locking that administrator does not reopen setup.
	 */
	@Test
	void firstStartWhenNoAdministratorThenSetupTokenFromTheDataDirectoryCreatesOneOnce(CapturedOutput output)
			throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", "");
		try (LanyardTestServer node = LanyardTestServer.start(deployment)) {
			// LG-18: a first start without a bootstrap file has no account and no client.
			JdbcClient jdbc = JdbcClient.create(node.bean(DataSource.class));
			assertThat(jdbc.sql("SELECT count(*) FROM users").query(Long.class).single()).isZero();
			assertThat(jdbc.sql("SELECT count(*) FROM oauth_clients").query(Long.class).single()).isZero();
			Path file = Path.of(deployment.get("lanyard.data-directory")).resolve("setup-token");
			String token = Files.readString(file).strip();
			assertThat(output).contains("give the token in " + file.toAbsolutePath()).doesNotContain(token);
			assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
					PosixFilePermission.OWNER_WRITE);
			node.bean(UserService.class)
				.create("taken-name", null, "quiet-harbor-lantern-91", true, false, List.of("user"), Map.of(),
						Map.of());
			OAuthFlows flows = new OAuthFlows(node.baseUrl());
			TestBrowser browser = new TestBrowser();
			HttpResponse<String> page = browser.get(flows.url("/setup"));
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(post(browser, flows, page, "wrong-token", "first-admin", PASSWORD, PASSWORD).body())
				.contains("This is not the setup token");
			assertThat(post(browser, flows, page, token, "first-admin", PASSWORD, "other").body())
				.contains("The two passwords differ");
			assertThat(post(browser, flows, page, token, "first-admin", "password", "password").body())
				.contains("too common");
			assertThat(post(browser, flows, page, token, "taken-name", PASSWORD, PASSWORD).body())
				.contains("An account with this username exists");
			HttpResponse<String> created = post(browser, flows, page, token, "first-admin", PASSWORD, PASSWORD);
			assertThat(created.statusCode()).isIn(302, 303);
			assertThat(TestBrowser.location(created)).endsWith("/admin");
			assertThat(Files.exists(file)).isFalse();

			// Closed for good, even with its administrator locked.
			assertThat(new TestBrowser().get(flows.url("/setup")).statusCode()).isEqualTo(404);
			TestBrowser admin = new TestBrowser();
			assertThat(flows.signIn(admin, "first-admin", PASSWORD).statusCode()).isIn(302, 303);
			assertThat(admin.get(flows.url("/admin")).statusCode()).isEqualTo(200);
			jdbc.sql("UPDATE users SET locked = true WHERE username = 'first-admin'").update();
			assertThat(new TestBrowser().get(flows.url("/setup")).statusCode()).isEqualTo(404);
			// Nor when every account has lost the role since.
			jdbc.sql("UPDATE users SET roles = '{user}'").update();
			assertThat(new TestBrowser().get(flows.url("/setup")).statusCode()).isEqualTo(404);
		}
		assertThat(output).doesNotContain(PASSWORD);
	}

	/**
	 * Nodes that share a data directory and start at once both start; the token file is
	 * whole (one of theirs).
	 */
	@Test
	void firstStartWhenTwoNodesShareADataDirectoryThenBothStartAndTheTokenIsWhole() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", "");
		CompletableFuture<LanyardTestServer> a = CompletableFuture
			.supplyAsync(() -> LanyardTestServer.start(deployment));
		CompletableFuture<LanyardTestServer> b = CompletableFuture
			.supplyAsync(() -> LanyardTestServer.start(deployment));
		try (LanyardTestServer nodeA = a.join(); LanyardTestServer nodeB = b.join()) {
			String token = Files.readString(Path.of(deployment.get("lanyard.data-directory")).resolve("setup-token"))
				.strip();
			assertThat(token).startsWith("setup_").hasSizeGreaterThan(40);
		}
	}

	/**
	 * README: "With several nodes, each writes its own token". Two people set up at once,
	 * each at a node with that node's token: one administrator results (the nodes take
	 * turns under a PostgreSQL lock), the other request gets a 404 and creates nothing,
	 * and setup is closed at both nodes.
	 */
	@Test
	void setupWhenTwoNodesAskedAtOnceThenOneAdministratorAndClosedAtBoth() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", "");
		Map<String, String> deploymentB = new java.util.HashMap<>(deployment);
		deploymentB.put("lanyard.data-directory", TestBackends.tempDirectory("lanyard-data").toString());
		CompletableFuture<LanyardTestServer> a = CompletableFuture
			.supplyAsync(() -> LanyardTestServer.start(deployment));
		CompletableFuture<LanyardTestServer> b = CompletableFuture
			.supplyAsync(() -> LanyardTestServer.start(deploymentB));
		try (LanyardTestServer nodeA = a.join(); LanyardTestServer nodeB = b.join()) {
			List<OAuthFlows> nodes = List.of(new OAuthFlows(nodeA.baseUrl()), new OAuthFlows(nodeB.baseUrl()));
			List<String> tokens = List.of(deployment, deploymentB)
				.stream()
				.map((settings) -> readToken(Path.of(settings.get("lanyard.data-directory"))))
				.toList();
			assertThat(tokens.get(0)).isNotEqualTo(tokens.get(1));
			List<TestBrowser> browsers = List.of(new TestBrowser(), new TestBrowser());
			List<HttpResponse<String>> pages = List.of(browsers.get(0).get(nodes.get(0).url("/setup")),
					browsers.get(1).get(nodes.get(1).url("/setup")));
			List<CompletableFuture<HttpResponse<String>>> posts = new java.util.ArrayList<>();
			for (int i = 0; i < 2; i++) {
				int node = i;
				posts.add(CompletableFuture.supplyAsync(() -> post(browsers.get(node), nodes.get(node), pages.get(node),
						tokens.get(node), "first-admin-" + node, PASSWORD, PASSWORD)));
			}
			List<Integer> statuses = posts.stream().map((post) -> post.join().statusCode()).sorted().toList();
			assertThat(statuses.get(0)).as("one created").isIn(302, 303);
			assertThat(statuses.get(1)).as("the other refused").isEqualTo(404);
			JdbcClient jdbc = JdbcClient.create(nodeA.bean(DataSource.class));
			assertThat(jdbc.sql("SELECT username FROM users WHERE 'admin' = ANY(roles)").query(String.class).list())
				.hasSize(1)
				.allMatch((name) -> name.startsWith("first-admin-"));
			for (OAuthFlows node : nodes) {
				assertThat(new TestBrowser().get(node.url("/setup")).statusCode()).isEqualTo(404);
			}
		}
	}

	private static String readToken(Path dataDirectory) {
		try {
			return Files.readString(dataDirectory.resolve("setup-token")).strip();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@Test
	void firstStartWhenOnlyOneAdminVariableThenStopsAndSaysSo() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", "");
		deployment.put("LANYARD_BOOTSTRAP_ADMIN_USERNAME", "root-admin");
		assertThatThrownBy(() -> LanyardTestServer.start(deployment).close()).isInstanceOf(BootstrapFileException.class)
			.hasMessageContaining("go together");
	}

	private static HttpResponse<String> post(TestBrowser browser, OAuthFlows flows, HttpResponse<String> page,
			String token, String username, String password, String again) {
		return browser.postForm(flows.url("/setup"), Map.of("token", token, "username", username, "password", password,
				"passwordAgain", again, "_csrf", TestBrowser.csrf(page.body())));
	}

}
