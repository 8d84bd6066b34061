package dev.lanyard.server.storage;

import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.lanyard.server.DriverTrace;
import dev.lanyard.server.GenericPlans;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scheduled purges as a node runs them on a backlog of every kind of row they forget:
 * each one deletes what it should, and every statement it sends walks an index (planned
 * generically on new tables, as in {@link RequestPathPlansTest}): a purge that reads its
 * table whole costs time in proportion to everything kept, and on a busy deployment fell
 * behind what was issued.
 */
class ScheduledPurgesTest {

	@Test
	void purgesWhenRunOnABacklogThenEveryOldRowGoesAndNoStatementReadsATableWhole() throws SQLException {
		Map<String, String> sent = new ConcurrentHashMap<>();
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.admin.audit-retention", "30d");
		try (LanyardTestServer node = LanyardTestServer.start(deployment)) {
			JdbcClient jdbc = node.bean(JdbcClient.class);
			OAuthFlows flows = new OAuthFlows(node.baseUrl());
			TestBrowser client = new TestBrowser();
			// A person's grant refreshed once (a rotated refresh token, a replaced access
			// token), their sign-in session, and a service's token revoked.
			TestBrowser browser = new TestBrowser();
			TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
			String callback = flows.authorizeWithLogin(browser,
					OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile", "s", pkce), "bob",
					TestBootstrap.BOB_PASSWORD);
			Map<String, Object> tokens = flows.tokensFor(callback, "web-app", TestBootstrap.WEB_APP_SECRET,
					TestBootstrap.REDIRECT_URI, pkce);
			HttpResponse<String> refreshed = flows.refresh(client, "web-app", TestBootstrap.WEB_APP_SECRET,
					(String) tokens.get("refresh_token"));
			assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
			String serviceToken = flows.clientCredentialsToken(client, "service", TestBootstrap.SERVICE_SECRET);
			assertThat(flows.revoke(client, "service", TestBootstrap.SERVICE_SECRET, serviceToken).statusCode())
				.isEqualTo(200);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> count(jdbc, "revocation_outbox WHERE published AND cache_applied") > 0);
			// All of it long past, with the rows the other purges forget.
			jdbc.sql("""
					UPDATE oauth_authorizations SET created_at = created_at - interval '40 days',
					  updated_at = updated_at - interval '40 days',
					  code_expires_at = code_expires_at - interval '40 days',
					  access_token_expires_at = access_token_expires_at - interval '40 days',
					  refresh_token_expires_at = refresh_token_expires_at - interval '40 days'""").update();
			jdbc.sql("UPDATE oauth_replaced_access_tokens SET expires_at = expires_at - interval '40 days'").update();
			jdbc.sql("UPDATE sign_in_sessions SET last_seen_at = last_seen_at - interval '40 days'").update();
			jdbc.sql("UPDATE revocation_outbox SET created_at = created_at - interval '2 days'").update();
			jdbc.sql("UPDATE audit_events SET occurred_at = occurred_at - interval '40 days'").update();
			Instant longAgo = Instant.now().minus(Duration.ofDays(2));
			jdbc.sql("INSERT INTO dpop_proof_jtis (jti_hash, expires_at) VALUES ('old-proof', ?)")
				.param(Timestamp.from(longAgo))
				.update();
			jdbc.sql("INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES ('service', 'old', ?)")
				.param(Timestamp.from(longAgo))
				.update();
			jdbc.sql("""
					INSERT INTO password_resets (token_hash, user_id, expires_at)
					SELECT 'old-reset', id, ? FROM users WHERE username = 'bob'""")
				.param(Timestamp.from(longAgo))
				.update();
			jdbc.sql("""
					INSERT INTO email_verifications (token_hash, user_id, email, expires_at)
					SELECT 'old-link', id, 'bob@example.com', ? FROM users WHERE username = 'bob'""")
				.param(Timestamp.from(longAgo))
				.update();
			jdbc.sql("""
					INSERT INTO backchannel_logouts (registered_client_id, subject, session_id, reason, delivered_at)
					VALUES ('web-app', 'bob', 'old-session', 'logout', ?)""").param(Timestamp.from(longAgo)).update();
			List<String> purged = List.of("oauth_authorizations", "oauth_rotated_refresh_tokens",
					"oauth_replaced_access_tokens", "sign_in_sessions", "revocation_outbox", "dpop_proof_jtis",
					"client_assertion_jtis", "password_resets", "email_verifications", "backchannel_logouts",
					"audit_events");
			assertThat(purged).allSatisfy((table) -> assertThat(count(jdbc, table)).as(table).isPositive());

			List<Runnable> purges = node.bean(ScheduledTaskHolder.class)
				.getScheduledTasks()
				.stream()
				.map(ScheduledTask::getTask)
				.filter((task) -> task.toString().contains(".purge"))
				.map((task) -> task.getRunnable())
				.toList();
			assertThat(purges).hasSizeGreaterThanOrEqualTo(7);
			TablePurges purging = node.bean(TablePurges.class);
			try (DriverTrace trace = new DriverTrace(sent)) {
				// Each queues its purge on the purge thread, off the scheduler's.
				purges.forEach(Runnable::run);
				await().atMost(Duration.ofSeconds(30)).until(purging::idle);
			}

			assertThat(purged).allSatisfy((table) -> assertThat(count(jdbc, table)).as(table).isZero());
		}
		String statements = String.join("\n", sent.keySet()).toLowerCase(Locale.ROOT);
		assertThat(statements).contains("scheduled_job_locks", "oauth_rotated_refresh_tokens", "backchannel_logouts");
		try (GenericPlans plans = new GenericPlans(aBusyDeploymentsDatabase())) {
			assertThat(plans.wholeTableReads(sent, RequestPathPlansTest.SMALL_TABLES))
				.as("purge statements whose generic plan reads a growing table whole, with their plans")
				.isEmpty();
		}
	}

	/**
	 * A migrated database whose tables hold what a busy deployment's do, mostly rows a
	 * purge must leave, and whose statistics say so (analysed, as autovacuum keeps them;
	 * the production checklist says to keep it on). A purge runs once a period and its
	 * statements are planned with the statistics of their day, unlike the request paths'
	 * ({@link RequestPathPlansTest}): on a new table, reading it whole is the cheap plan.
	 */
	private static String aBusyDeploymentsDatabase() {
		String database = TestBackends.newMigratedDatabase();
		JdbcClient jdbc = JdbcClient
			.create(new DriverManagerDataSource(database, "postgres", TestBackends.superuserPassword()));
		jdbc.sql(
				"""
						INSERT INTO users (id, username, login_name) VALUES ('00000000-0000-0000-0000-000000000001', 'u', 'u');
						INSERT INTO oauth_authorizations (id, registered_client_id, principal_name, grant_type,
						  access_token_hash, access_token_expires_at, refresh_token_hash, refresh_token_expires_at, created_at, updated_at)
						SELECT 'g' || n, 'c', 'u', 'authorization_code', md5('a' || n), now() + interval '10 minutes',
						  md5('r' || n), now() + interval '8 hours', now() - (n % 600) * interval '1 minute', now()
						FROM generate_series(1, 20000) n;
						INSERT INTO oauth_authorizations (id, registered_client_id, principal_name, grant_type, state_hash, created_at)
						SELECT 's' || n, 'c', 'u', 'authorization_code', md5('s' || n), now() FROM generate_series(1, 20) n;
						INSERT INTO oauth_authorizations (id, registered_client_id, principal_name, grant_type, device_code_hash,
						  device_code_expires_at)
						SELECT 'd' || n, 'c', 'u', 'urn:ietf:params:oauth:grant-type:device_code', md5('d' || n),
						  now() + interval '5 minutes' FROM generate_series(1, 20) n;
						INSERT INTO oauth_rotated_refresh_tokens (token_hash, authorization_id)
						SELECT md5('rot' || n), 'g' || (n % 20000 + 1) FROM generate_series(1, 40000) n;
						INSERT INTO oauth_replaced_access_tokens (token_hash, authorization_id, expires_at)
						SELECT md5('rep' || n), 'g' || (n % 20000 + 1), now() + interval '10 minutes' FROM generate_series(1, 20000) n;
						INSERT INTO sign_in_sessions (sid, user_id, signed_in_at, last_seen_at)
						SELECT 'sid' || n, '00000000-0000-0000-0000-000000000001', now(), now() FROM generate_series(1, 20000) n;
						INSERT INTO revocation_outbox (token_hashes, reason, cache_applied, published)
						SELECT ARRAY[md5('rev' || n)], 'revoked', true, true FROM generate_series(1, 20000) n;
						INSERT INTO backchannel_logouts (registered_client_id, subject, session_id, reason, delivered_at)
						SELECT 'c', 'u', 'sid' || n, 'logout', now() FROM generate_series(1, 20000) n;
						INSERT INTO dpop_proof_jtis (jti_hash, expires_at)
						SELECT md5('p' || n), now() + interval '5 minutes' FROM generate_series(1, 20000) n;
						INSERT INTO client_assertion_jtis (client_id, jti, expires_at)
						SELECT 'c', 'j' || n, now() + interval '5 minutes' FROM generate_series(1, 20000) n;
						INSERT INTO password_resets (token_hash, user_id, expires_at)
						SELECT md5('pr' || n), '00000000-0000-0000-0000-000000000001', now() + interval '15 minutes'
						FROM generate_series(1, 20000) n;
						INSERT INTO email_verifications (token_hash, user_id, email, expires_at)
						SELECT md5('ev' || n), '00000000-0000-0000-0000-000000000001', 'u@example.com', now() + interval '1 day'
						FROM generate_series(1, 20000) n;
						INSERT INTO audit_events (occurred_at, actor, action)
						SELECT now() - n * interval '1 minute', 'u', 'login.succeeded' FROM generate_series(1, 20000) n;
						ANALYZE""")
			.update();
		return database;
	}

	private static long count(JdbcClient jdbc, String tableAndCondition) {
		return jdbc.sql("SELECT count(*) FROM " + tableAndCondition).query(Long.class).single();
	}

}
