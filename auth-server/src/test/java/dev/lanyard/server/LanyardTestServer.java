package dev.lanyard.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;

/**
 * A Lanyard server started for a test, on its own port, against the test PostgreSQL and
 * Redis, with the test bootstrap file imported. Several can share one database to act as
 * the nodes of a cluster.
 */
public final class LanyardTestServer implements AutoCloseable {

	public static final String MASTER_KEY = "test-master-key-that-is-long-enough-0123456789";

	/** The Prometheus scrape token of every test deployment. */
	public static final String METRICS_TOKEN = "test-metrics-token-that-is-long-enough-42";

	// Released on close: test classes keep their nodes in static fields for the life of
	// the test JVM, and a stopped context still holds its bean definitions, metadata and
	// whatever its closed pools and meter registry reach.
	private volatile ConfigurableApplicationContext context;

	private final int port;

	private LanyardTestServer(ConfigurableApplicationContext context, int port) {
		this.context = context;
		this.port = port;
	}

	/**
	 * Starts two nodes of one deployment; the issuer is the first one's URL (unless the
	 * deployment names one), as a balancer in front of both would make it.
	 */
	public static LanyardTestServer[] startTwoNodes(Map<String, String> deployment) {
		LanyardTestServer first = start(deployment);
		deployment.putIfAbsent("lanyard.issuer", first.baseUrl());
		return new LanyardTestServer[] { first, start(deployment) };
	}

	/** Stops the nodes that were started (none may be {@code null}), the last first. */
	public static void closeAll(LanyardTestServer... nodes) {
		for (int i = nodes.length - 1; i >= 0; i--) {
			if (nodes[i] != null) {
				nodes[i].close();
			}
		}
	}

	/**
	 * Settings for a new deployment: a fresh database with the schema already migrated
	 * ({@link TestBackends#newMigratedDatabase}; a test of migration itself sets an empty
	 * one) and a fresh Redis key space.
	 */
	public static Map<String, String> newDeployment() {
		String keyPrefix = "lanyard-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
		Map<String, String> settings = new HashMap<>();
		settings.put("spring.datasource.url", TestBackends.newMigratedDatabase());
		settings.put("spring.datasource.username", "postgres");
		settings.put("spring.datasource.password", TestBackends.superuserPassword());
		// Three test JVMs run nodes side by side (surefire's forkCount): a test
		// node holds one idle connection rather than the pool's ten, and at most six.
		settings.put("spring.datasource.hikari.minimum-idle", "1");
		settings.put("spring.datasource.hikari.maximum-pool-size", "6");
		settings.put("spring.data.redis.url", TestBackends.redisUrl());
		settings.put("lanyard.redis.key-prefix", keyPrefix);
		settings.put("lanyard.master-key", MASTER_KEY);
		settings.put("lanyard.metrics-token", METRICS_TOKEN);
		// Keys come of age in seconds rather than minutes, so rotations in tests take
		// effect.
		settings.put("lanyard.keys.jwks-max-age", "1s");
		settings.put("lanyard.keys.publication-period", "2s");
		// Nothing balances test nodes: no drain period when one stops.
		settings.put("lanyard.shutdown.drain", "0s");
		// Not the default, so that a test can tell the setting reaches the sessions.
		settings.put("lanyard.login.session-timeout", "29m");
		settings.put("lanyard.bootstrap", TestBootstrap.write().toString());
		// The console's own tests sign in with a password: administrators' second factor
		// (on by default) is tested with the default, in ConsoleSecondFactorTest.
		settings.put("lanyard.login.mfa-required-roles", "");
		settings.put("lanyard.data-directory", TestBackends.tempDirectory("lanyard-data").toString());
		return settings;
	}

	/**
	 * Starts a node of a deployment on the port it names ({@code server.port}), else on a
	 * free one; its issuer is that port's URL unless the deployment names one.
	 */
	public static LanyardTestServer start(Map<String, String> deployment) {
		Map<String, String> properties = new HashMap<>(deployment);
		int port = properties.containsKey("server.port") ? Integer.parseInt(properties.get("server.port"))
				: TestBackends.freePort();
		properties.put("server.port", String.valueOf(port));
		properties.putIfAbsent("lanyard.issuer", "http://localhost:" + port);
		// As command-line arguments, so they outrank application.yml as a deployment's
		// would.
		String[] arguments = properties.entrySet()
			.stream()
			.map((entry) -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
		LoggingSetUpTurn turn = new LoggingSetUpTurn();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(LanyardServerApplication.class)
			.listeners(turn.take(), turn.give())
			.run(arguments);
		return new LanyardTestServer(context, port);
	}

	public int port() {
		return this.port;
	}

	public String baseUrl() {
		return "http://localhost:" + this.port;
	}

	public <T> T bean(Class<T> type) {
		return running().getBean(type);
	}

	public boolean hasBean(Class<?> type) {
		return running().getBeanNamesForType(type).length > 0;
	}

	/** The running node's servlet container (Tomcat), for what only it can show. */
	public org.apache.catalina.Context container() {
		org.springframework.boot.web.server.WebServer server = ((org.springframework.boot.web.server.context.WebServerApplicationContext) running())
			.getWebServer();
		return (org.apache.catalina.Context) ((org.springframework.boot.tomcat.TomcatWebServer) server).getTomcat()
			.getHost()
			.findChildren()[0];
	}

	private ConfigurableApplicationContext running() {
		ConfigurableApplicationContext running = this.context;
		if (running == null) {
			throw new IllegalStateException("The node on port " + this.port + " is stopped");
		}
		return running;
	}

	/** Stops the node; closing a stopped node does nothing. */
	@Override
	public void close() {
		ConfigurableApplicationContext running = this.context;
		if (running != null) {
			running.close();
			this.context = null;
		}
	}

	/** The bootstrap file every test deployment imports. */
	public static final class TestBootstrap {

		public static final String ALICE_PASSWORD = "alice-password-for-tests";

		public static final String BOB_PASSWORD = "bob-password-for-tests";

		public static final String WEB_APP_SECRET = "web-app-secret-of-the-tests-32-characters";

		public static final String SERVICE_SECRET = "service-secret-at-least-32-characters-long";

		public static final String GATEWAY_SECRET = "gateway-secret-of-the-tests-32-characters";

		public static final String AUTOMATION_SECRET = "automation-secret-at-least-32-characters";

		public static final String REDIRECT_URI = "https://app.example.com/callback";

		private TestBootstrap() {
		}

		static Path write() {
			String yaml = """
					users:
					  - username: alice
					    password: "%s"
					    email: alice@example.com
					    roles: [user, admin]
					    attributes: { tenant: acme }
					    given-name: Alice
					    family-name: Liddell
					    locale: en-GB
					    zoneinfo: Europe/London
					    phone-number: "+44 1865 000000"
					    phone-number-verified: true
					    address: { locality: Oxford, country: GB }
					  - username: bob
					    password: "%s"
					    roles: [user]
					clients:
					  - client-id: web-app
					    client-name: Web App
					    client-secret: "%s"
					    redirect-uris: [%s]
					    post-logout-redirect-uris: [https://app.example.com/]
					    grant-types: [authorization_code, refresh_token]
					    scopes: [openid, profile, email, address, phone]
					    require-consent: false
					  - client-id: consenting-app
					    client-name: Consenting App
					    client-secret: "%s"
					    redirect-uris: [%s]
					    grant-types: [authorization_code]
					    scopes: [openid, profile, email]
					    require-consent: true
					  - client-id: spa
					    client-name: Single Page App
					    redirect-uris: [http://127.0.0.1:8765/callback]
					    grant-types: [authorization_code, refresh_token]
					    scopes: [openid, profile]
					  - client-id: service
					    client-secret: "%s"
					    grant-types: [client_credentials]
					    scopes: [reports.read, reports.write]
					  - client-id: gateway
					    client-secret: "%s"
					    grant-types: ["urn:ietf:params:oauth:grant-type:token-exchange"]
					    exchange-audiences: [internal, billing]
					  - client-id: automation
					    client-secret: "%s"
					    grant-types: [client_credentials]
					    scopes: [admin, reports.read]
					  - client-id: admin-tool
					    client-secret: "%s"
					    redirect-uris: [%s]
					    grant-types: [authorization_code]
					    scopes: [openid, admin]
					""".formatted(ALICE_PASSWORD, BOB_PASSWORD, WEB_APP_SECRET, REDIRECT_URI, WEB_APP_SECRET,
					REDIRECT_URI, SERVICE_SECRET, GATEWAY_SECRET, AUTOMATION_SECRET, WEB_APP_SECRET, REDIRECT_URI);
			try {
				Path file = Files.createTempFile("lanyard-bootstrap", ".yaml");
				Files.writeString(file, yaml);
				return file;
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * Spring Boot sets up logging for the whole JVM (one Logback context) while an
	 * application starts. Two nodes started at once in one test JVM would set it up at
	 * the same time and break each other's set-up ("Unable to find Spring Environment in
	 * logger context"): a node takes its turn before Boot's logging listener runs and
	 * gives it back once the environment (and so logging) is ready. The rest of the start
	 * — migrations, keys, the web server — still runs side by side.
	 */
	private static final class LoggingSetUpTurn {

		private static final Semaphore TURN = new Semaphore(1);

		private boolean held;

		ApplicationListener<SpringApplicationEvent> take() {
			return new Step(Ordered.HIGHEST_PRECEDENCE) {
				@Override
				public void onApplicationEvent(SpringApplicationEvent event) {
					if (event instanceof ApplicationStartingEvent) {
						TURN.acquireUninterruptibly();
						LoggingSetUpTurn.this.held = true;
					}
				}
			};
		}

		ApplicationListener<SpringApplicationEvent> give() {
			return new Step(Ordered.LOWEST_PRECEDENCE) {
				@Override
				public void onApplicationEvent(SpringApplicationEvent event) {
					if ((event instanceof ApplicationEnvironmentPreparedEvent
							|| event instanceof ApplicationFailedEvent) && LoggingSetUpTurn.this.held) {
						LoggingSetUpTurn.this.held = false;
						TURN.release();
					}
				}
			};
		}

		private abstract static class Step implements ApplicationListener<SpringApplicationEvent>, Ordered {

			private final int order;

			Step(int order) {
				this.order = order;
			}

			@Override
			public int getOrder() {
				return this.order;
			}

		}

	}

}
