package dev.lanyard.server.storage;

import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.server.GenericPlans;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every statement the server sends PostgreSQL on the paths a deployment serves most
 * (tokens, introspection, exchange, user info, sign-in, the account page, revocation,
 * sign-out), planned the way PostgreSQL plans a statement it keeps: once, generically, on
 * tables that are new and never analysed. pgjdbc prepares a statement on the server after
 * five uses and PostgreSQL keeps that plan for the connection's life; on a table never
 * analysed the planner guesses ten pages, and nothing replans the statement until the
 * table is analysed. A plan that reads a table that grows with use from end to end would
 * then cost time in proportion to its rows on every request, as the grant update once did
 * (~0.4 s of PostgreSQL CPU per code redemption at 140,000 grants, see
 * {@code JdbcAuthorizationRowsTest}). So none may.
 *
 * <p>
 * The statements are the ones the driver really sent (its protocol trace, in this JVM),
 * each planned again in a new migrated database with the parameter types the driver
 * declared.
 */
class RequestPathPlansTest {

	/** Tables that hold configuration, not a row per use: a scan of them stays small. */
	private static final Set<String> SMALL_TABLES = Set.of("flyway_schema_history", "identity_providers",
			"installation_facts", "master_key_check", "signing_keys");

	// pgjdbc's protocol trace of a Parse message: the statement as sent, and the types.
	private static final Pattern PARSE = Pattern
		.compile("FE=> Parse\\(stmt=[^,]*,query=\"(.*)\",oids=\\{([0-9,]*)\\}\\)", Pattern.DOTALL);

	private static final Pattern SCAN = Pattern.compile("Seq Scan on (\\w+)");

	// A purge of expired rows runs once per purge period, not per request, on whichever
	// node's turn it is, and this trace hears every node of the test JVM: one landed in
	// the window now and then. Reading the table once a period is what a purge costs.
	private static final Pattern PURGE = Pattern.compile("^\\s*DELETE FROM \\w+ WHERE .*_at < ",
			Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

	@Test
	void statementsOfRequestPathsWhenPlannedOnNewTablesThenNoneReadsAGrowingTableWhole() throws SQLException {
		Map<String, String> sent = new ConcurrentHashMap<>();
		try (LanyardTestServer node = LanyardTestServer.start(LanyardTestServer.newDeployment());
				DriverTrace trace = new DriverTrace(sent)) {
			serveTheBusyPaths(new OAuthFlows(node.baseUrl()));
		}
		List<String> planned = new ArrayList<>();
		Map<String, String> scans = new LinkedHashMap<>();
		try (GenericPlans plans = new GenericPlans()) {
			for (Map.Entry<String, String> statementSent : sent.entrySet()) {
				String sql = statementSent.getKey();
				if (!readsRows(sql) || PURGE.matcher(sql).find()) {
					continue;
				}
				List<String> types = new ArrayList<>();
				for (String oid : statementSent.getValue().split(",")) {
					if (!oid.isEmpty()) {
						// Unspecified by the driver: inferred, as the server did.
						types.add("0".equals(oid) ? "unknown" : plans.typeName(Long.parseLong(oid)));
					}
				}
				String plan = plans.of(sql, types);
				planned.add(sql);
				Matcher scan = SCAN.matcher(plan);
				while (scan.find()) {
					if (!SMALL_TABLES.contains(scan.group(1))) {
						scans.put(sql, plan);
					}
				}
			}
		}
		// The paths above reach the tables a busy deployment grows.
		assertThat(String.join("\n", planned).toLowerCase(Locale.ROOT)).contains("oauth_authorizations",
				"sign_in_sessions", "users", "audit_events", "revocation_outbox", "oauth_clients");
		assertThat(scans).as("statements whose generic plan reads a growing table whole, with their plans").isEmpty();
	}

	/** A service's token, a person's sign-in and tokens, and what each is used for. */
	private static void serveTheBusyPaths(OAuthFlows flows) {
		TestBrowser client = new TestBrowser();
		// pgjdbc prepares a statement on the server from its fifth use: these paths run
		// more often than that, so their named statements are among those traced.
		for (int round = 0; round < 6; round++) {
			String serviceToken = flows.clientCredentialsToken(client, "service", TestBootstrap.SERVICE_SECRET);
			assertThat(flows.introspect(client, "service", TestBootstrap.SERVICE_SECRET, serviceToken).get("active"))
				.isEqualTo(true);
			assertThat(flows.revoke(client, "service", TestBootstrap.SERVICE_SECRET, serviceToken).statusCode())
				.isEqualTo(200);

			TestBrowser browser = new TestBrowser();
			assertThat(flows.signIn(browser, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
			TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
			HttpResponse<String> authorized = browser.get(flows.authorizeUrl(
					OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile", "s", pkce)));
			assertThat(authorized.statusCode()).isEqualTo(302);
			String callback = TestBrowser.location(authorized);
			Map<String, Object> tokens = flows.tokensFor(callback, "web-app", TestBootstrap.WEB_APP_SECRET,
					TestBootstrap.REDIRECT_URI, pkce);
			String accessToken = (String) tokens.get("access_token");
			assertThat(flows.exchangeAtGateway(accessToken).statusCode()).isEqualTo(200);
			assertThat(client.get(flows.url("/userinfo"), "Authorization", "Bearer " + accessToken).statusCode())
				.isEqualTo(200);
			HttpResponse<String> refreshed = flows.refresh(client, "web-app", TestBootstrap.WEB_APP_SECRET,
					(String) tokens.get("refresh_token"));
			assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
			String refreshedToken = (String) TestBrowser.json(refreshed).get("access_token");
			assertThat(flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET, refreshedToken).get("active"))
				.isEqualTo(true);
			assertThat(flows.exchangeAtGateway(refreshedToken).statusCode()).isEqualTo(200);
			assertThat(browser.get(flows.url("/account")).statusCode()).isEqualTo(200);
			HttpResponse<String> confirm = browser.get(flows.url("/logout"));
			assertThat(browser.postForm(flows.url("/logout"), TestBrowser.logoutForm(confirm.body())).statusCode())
				.isIn(302, 303);
			assertThat(flows.introspect(client, "web-app", TestBootstrap.WEB_APP_SECRET, refreshedToken))
				.isEqualTo(Map.of("active", false));
		}
	}

	/** Statements that find rows (an insert of values finds none). */
	private static boolean readsRows(String sql) {
		String start = sql.stripLeading().toUpperCase(Locale.ROOT);
		if (start.startsWith("INSERT")) {
			return start.contains("SELECT") || start.contains("ON CONFLICT");
		}
		return start.startsWith("SELECT") || start.startsWith("WITH") || start.startsWith("UPDATE")
				|| start.startsWith("DELETE");
	}

	/**
	 * pgjdbc's protocol trace (java.util.logging, {@code FINEST}) while it is open: each
	 * statement the driver parses, with the parameter types it declared. Turned on after
	 * the server started, as its logging set-up resets levels.
	 */
	private static final class DriverTrace extends Handler implements AutoCloseable {

		private final Logger logger = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");

		private final Map<String, String> sent;

		private final Level level;

		private final boolean useParentHandlers;

		DriverTrace(Map<String, String> sent) {
			this.sent = sent;
			this.level = this.logger.getLevel();
			this.useParentHandlers = this.logger.getUseParentHandlers();
			this.logger.addHandler(this);
			this.logger.setUseParentHandlers(false);
			this.logger.setLevel(Level.FINEST);
		}

		@Override
		public void publish(LogRecord record) {
			String message = record.getMessage();
			if (message != null && message.contains("FE=> Parse(")) {
				Matcher parse = PARSE.matcher(message);
				if (parse.find()) {
					this.sent.put(parse.group(1), parse.group(2));
				}
			}
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
			this.logger.setLevel(this.level);
			this.logger.setUseParentHandlers(this.useParentHandlers);
			this.logger.removeHandler(this);
		}

	}

}
