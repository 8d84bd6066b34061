package dev.lanyard.server.authorization;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.secondfactor.TestAuthenticatorApp;
import dev.lanyard.server.user.UserService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing usable at rest: after a full flow, a dump of every table (and of Lanyard's
 * Redis keys) holds none of the issued tokens, codes, client secrets or passwords, and
 * neither does the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class NothingUsableAtRestTest {

	@Test
	void databaseWhenDumpedAfterFullFlowThenNoSecretInIt(CapturedOutput log) {
		LanyardTestServer server = SharedLanyard.server();
		OAuthFlows flows = SharedLanyard.flows();
		TestBrowser browser = new TestBrowser();
		TestBrowser client = new TestBrowser();
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		List<String> secrets = new ArrayList<>(List.of(TestBootstrap.ALICE_PASSWORD, TestBootstrap.BOB_PASSWORD,
				TestBootstrap.WEB_APP_SECRET, TestBootstrap.SERVICE_SECRET, pkce.verifier()));

		String redirect = flows.authorizeWithLogin(browser,
				OAuthFlows.codeRequest("web-app", TestBootstrap.REDIRECT_URI, "openid profile email", "s", pkce),
				"alice", TestBootstrap.ALICE_PASSWORD);
		String code = TestBrowser.queryParameters(redirect).get("code");
		secrets.add(code);
		Map<String, Object> tokens = TestBrowser.json(flows.redeemCode(client, "web-app", TestBootstrap.WEB_APP_SECRET,
				code, TestBootstrap.REDIRECT_URI, pkce.verifier()));
		secrets.add((String) tokens.get("access_token"));
		secrets.add((String) tokens.get("refresh_token"));
		secrets.add((String) tokens.get("id_token"));
		HttpResponse<String> refreshed = flows.refresh(client, "web-app", TestBootstrap.WEB_APP_SECRET,
				(String) tokens.get("refresh_token"));
		secrets.add((String) TestBrowser.json(refreshed).get("access_token"));
		secrets.add((String) TestBrowser.json(refreshed).get("refresh_token"));
		String serviceToken = (String) TestBrowser
			.json(flows.token(client, "service", TestBootstrap.SERVICE_SECRET,
					Map.of("grant_type", "client_credentials")))
			.get("access_token");
		secrets.add(serviceToken);
		// Introspection fills the token cache too.
		flows.introspect(client, "service", TestBootstrap.SERVICE_SECRET, serviceToken);
		// A person with a second factor, stopped between the password and the code: what
		// waits in the session for the code is neither the password nor its hash.
		String pausedPassword = "paused-person-password-" + UUID.randomUUID();
		server.bean(UserService.class)
			.importUser("paused-at-rest", pausedPassword, null, List.of("user"), Map.of(), Map.of(), true);
		TestBrowser enrolling = new TestBrowser();
		flows.signIn(enrolling, "paused-at-rest", pausedPassword);
		TestAuthenticatorApp.enrol(enrolling, server.baseUrl(), pausedPassword);
		TestBrowser paused = new TestBrowser();
		assertThat(TestBrowser.location(flows.signIn(paused, "paused-at-rest", pausedPassword)))
			.endsWith("/login/second-factor");
		secrets.add(pausedPassword);
		assertThat(secrets).doesNotContainNull();

		JdbcTemplate jdbc = new JdbcTemplate(server.bean(DataSource.class));
		List<String> tables = jdbc.queryForList(
				"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", String.class);
		assertThat(tables).contains("users", "oauth_clients", "oauth_authorizations", "signing_keys", "audit_events");
		StringBuilder dump = new StringBuilder();
		for (String table : tables) {
			jdbc.queryForList("SELECT t::text FROM \"" + table + "\" t", String.class).forEach(dump::append);
		}
		StringRedisTemplate redis = server.bean(StringRedisTemplate.class);
		String prefix = server.bean(dev.lanyard.server.LanyardProperties.class).redis().keyPrefix();
		Set<String> keys = redis.keys(prefix + "*");
		assertThat(keys).isNotEmpty();
		// Login sessions live under the deployment's prefix too, like every other key,
		// and
		// expire after lanyard.login.session-timeout (29m in tests) without use.
		// The shared server holds other tests' sessions too, used minutes ago: the one
		// this
		// flow just used has the longest time left.
		List<Long> sessionTtls = keys.stream()
			.filter((key) -> key.startsWith(prefix + "session:sessions:"))
			.map(redis::getExpire)
			.sorted()
			.toList();
		assertThat(sessionTtls).as("login sessions under " + prefix).isNotEmpty().allMatch((ttl) -> ttl <= 29 * 60L);
		assertThat(sessionTtls.get(sessionTtls.size() - 1)).isBetween(28 * 60L, 29 * 60L);
		// Every value as its bytes (sessions are hashes of serialized objects, whose
		// strings are stored as their UTF-8 bytes).
		StringBuilder redisDump = new StringBuilder();
		for (String key : keys) {
			redisDump.append(key);
			byte[] rawKey = key.getBytes(StandardCharsets.UTF_8);
			redis.execute((RedisCallback<Void>) (connection) -> {
				switch (connection.keyCommands().type(rawKey)) {
					case STRING -> redisDump.append(latin1(connection.stringCommands().get(rawKey)));
					case HASH -> connection.hashCommands()
						.hGetAll(rawKey)
						.forEach((field, value) -> redisDump.append(latin1(field)).append(latin1(value)));
					case SET ->
						connection.setCommands().sMembers(rawKey).forEach((member) -> redisDump.append(latin1(member)));
					case ZSET -> connection.zSetCommands()
						.zRange(rawKey, 0, -1)
						.forEach((member) -> redisDump.append(latin1(member)));
					case LIST -> connection.listCommands()
						.lRange(rawKey, 0, -1)
						.forEach((member) -> redisDump.append(latin1(member)));
					default -> {
					}
				}
				return null;
			});
		}
		assertThat(redisDump.indexOf("paused-at-rest")).as("the paused sign-in's session dumped").isNotNegative();
		assertThat(redisDump.indexOf("$argon2")).as("a password hash in Redis").isNegative();
		dump.append(redisDump);
		String everything = dump.toString();
		assertThat(everything).contains("alice");
		for (String secret : secrets) {
			String part = secret.length() > 40 ? secret.substring(secret.length() - 40) : secret;
			assertThat(everything).as("a stored copy of an issued secret").doesNotContain(part);
		}
		// The signing keys' private parts are sealed: no PKCS#8 header in clear.
		assertThat(everything).doesNotContain("MIIE");
		// Nor did any of it reach a log line while the flow ran.
		for (String secret : secrets) {
			assertThat(log.getAll()).as("a logged secret").doesNotContain(secret);
		}
	}

	private static String latin1(byte[] bytes) {
		return (bytes != null) ? new String(bytes, StandardCharsets.ISO_8859_1) : "";
	}

}
