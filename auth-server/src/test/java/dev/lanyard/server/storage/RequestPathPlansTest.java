package dev.lanyard.server.storage;

import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.lanyard.server.DriverTrace;
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
	static final Set<String> SMALL_TABLES = Set.of("flyway_schema_history", "identity_providers", "installation_facts",
			"master_key_check", "scheduled_job_locks", "signing_keys");

	@Test
	void statementsOfRequestPathsWhenPlannedOnNewTablesThenNoneReadsAGrowingTableWhole() throws SQLException {
		Map<String, String> sent = new ConcurrentHashMap<>();
		try (LanyardTestServer node = LanyardTestServer.start(LanyardTestServer.newDeployment());
				// Not the scheduled purges: they run on a thread of their own, on every
				// server of this JVM whose period falls in the test (a purge's plan is
				// held
				// to its index by ScheduledPurgesTest, on analysed tables).
				DriverTrace trace = new DriverTrace(sent, (thread) -> !thread.equals("lanyard-purge"))) {
			serveTheBusyPaths(new OAuthFlows(node.baseUrl()));
		}
		Map<String, String> scans;
		try (GenericPlans plans = new GenericPlans()) {
			scans = plans.wholeTableReads(sent, SMALL_TABLES);
		}
		List<String> planned = sent.keySet().stream().filter(GenericPlans::readsRows).toList();
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

}
