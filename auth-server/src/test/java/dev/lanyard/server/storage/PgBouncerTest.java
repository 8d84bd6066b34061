package dev.lanyard.server.storage;

import java.io.IOException;
import java.net.URI;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, scale-out: Lanyard behind PgBouncer in transaction mode, where consecutive
 * transactions of one client connection run on different server connections. Two nodes
 * start at once on an empty database (Flyway's lock, a transaction-level advisory lock,
 * serialises the migration), then sign-ins, code redemption, refresh, exchange, issuance,
 * introspection and revocation run concurrently on both through a pool of three server
 * connections. The JDBC URL carries {@code prepareThreshold=0}, as the README says:
 * PgBouncer 1.18 keeps no server-side prepared statements across transactions.
 */
class PgBouncerTest {

	private static Process bouncer;

	private static int port;

	private static String database;

	@BeforeAll
	static void startPgBouncer() throws Exception {
		Path binary = Path.of("/usr/sbin/pgbouncer");
		if (System.getenv("LANYARD_E2E_REQUIRED") == null) {
			Assumptions.assumeTrue(Files.isExecutable(binary),
					"PgBouncer is not installed (apt-get install pgbouncer)");
		}
		Path directory = TestBackends.tempDirectory("pgbouncer");
		port = TestBackends.freePort();
		// An empty database of the PostgreSQL the tests use, wherever it is (the
		// machine's,
		// or an embedded one on a port of its own).
		database = TestBackends.newDatabase();
		URI postgres = URI.create(database.substring("jdbc:".length()));
		Files.writeString(directory.resolve("userlist.txt"), "\"postgres\" \"\"\n");
		Files.writeString(directory.resolve("pgbouncer.ini"), """
				[databases]
				* = host=127.0.0.1 port=%d
				[pgbouncer]
				listen_addr = 127.0.0.1
				listen_port = %d
				unix_socket_dir =
				auth_type = trust
				auth_file = %s/userlist.txt
				pool_mode = transaction
				default_pool_size = 3
				max_client_conn = 200
				ignore_startup_parameters = extra_float_digits
				""".formatted(postgres.getPort(), port, directory));
		List<String> command = new ArrayList<>(
				List.of(binary.toString(), directory.resolve("pgbouncer.ini").toString()));
		if ("root".equals(System.getProperty("user.name"))) {
			// PgBouncer refuses to run as root.
			command.addAll(0, List.of("runuser", "-u", "postgres", "--"));
		}
		bouncer = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(directory.resolve("pgbouncer.log").toFile())
			.start();
		Instant deadline = Instant.now().plusSeconds(10);
		while (true) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				break;
			}
			catch (IOException ex) {
				assertThat(bouncer.isAlive()).as(Files.readString(directory.resolve("pgbouncer.log"))).isTrue();
				assertThat(Instant.now()).as("PgBouncer listening").isBefore(deadline);
				Thread.sleep(100);
			}
		}
	}

	@AfterAll
	static void stopPgBouncer() throws InterruptedException {
		if (bouncer != null) {
			bouncer.destroy();
			bouncer.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void pgBouncerWhenTransactionPoolingThenTwoNodesMigrateAtOnceAndServeConcurrently() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		// An empty database: both nodes run the migrations, through the bouncer, at once.
		URI direct = URI.create(database.substring("jdbc:".length()));
		String throughBouncer = "jdbc:postgresql://127.0.0.1:" + port + direct.getPath() + "?prepareThreshold=0";
		// Through the bouncer, whatever port PostgreSQL has.
		assertThat(direct.getPort()).isNotEqualTo(port);
		deployment.put("spring.datasource.url", throughBouncer);
		CompletableFuture<LanyardTestServer> startingA = CompletableFuture
			.supplyAsync(() -> LanyardTestServer.start(deployment));
		CompletableFuture<LanyardTestServer> startingB = CompletableFuture
			.supplyAsync(() -> LanyardTestServer.start(deployment));
		try (LanyardTestServer nodeA = startingA.join(); LanyardTestServer nodeB = startingB.join()) {
			List<OAuthFlows> nodes = List.of(new OAuthFlows(nodeA.baseUrl()), new OAuthFlows(nodeB.baseUrl()));
			ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
			ExecutorService workers = Executors.newFixedThreadPool(4);
			List<CompletableFuture<Void>> rounds = new ArrayList<>();
			for (int worker = 0; worker < 4; worker++) {
				int index = worker;
				rounds.add(CompletableFuture.runAsync(() -> {
					for (int round = 0; round < 8; round++) {
						try {
							OAuthFlows here = nodes.get((index + round) % 2);
							OAuthFlows there = nodes.get((index + round + 1) % 2);
							if (index == 0) {
								userRound(here, there);
							}
							else {
								serviceRound(here, there);
							}
						}
						catch (AssertionError | RuntimeException ex) {
							failures.add(ex.toString());
						}
					}
				}, workers));
			}
			CompletableFuture.allOf(rounds.toArray(CompletableFuture[]::new)).get(3, TimeUnit.MINUTES);
			workers.shutdown();
			assertThat(failures).as("failures through PgBouncer").isEmpty();
		}
	}

	/** Issue, introspect on the other node, revoke, and see it inactive on both. */
	private static void serviceRound(OAuthFlows here, OAuthFlows there) {
		TestBrowser client = new TestBrowser();
		String token = here.clientCredentialsToken(client, "service", TestBootstrap.SERVICE_SECRET);
		assertThat(there.introspect(client, "service", TestBootstrap.SERVICE_SECRET, token).get("active"))
			.isEqualTo(true);
		assertThat(here.revoke(client, "service", TestBootstrap.SERVICE_SECRET, token).statusCode()).isEqualTo(200);
		assertThat(there.introspectRevokedElsewhere(client, "service", TestBootstrap.SERVICE_SECRET, token))
			.isEqualTo(Map.of("active", false));
	}

	/** Sign in, redeem the code on the other node, refresh, exchange. */
	private static void userRound(OAuthFlows here, OAuthFlows there) {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String redirect = here.authorizeWithLogin(new TestBrowser(),
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile", "s", pkce), "bob",
				TestBootstrap.BOB_PASSWORD);
		TestBrowser client = new TestBrowser();
		HttpResponse<String> tokens = there.redeemCode(client, "web-app", TestBootstrap.WEB_APP_SECRET,
				TestBrowser.queryParameters(redirect).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier());
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		HttpResponse<String> refreshed = here.refresh(client, "web-app", TestBootstrap.WEB_APP_SECRET,
				(String) TestBrowser.json(tokens).get("refresh_token"));
		assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
		HttpResponse<String> exchanged = there.token(client, "gateway", TestBootstrap.GATEWAY_SECRET,
				Map.of("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token",
						(String) TestBrowser.json(refreshed).get("access_token"), "subject_token_type",
						"urn:ietf:params:oauth:token-type:access_token"));
		assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
	}

}
