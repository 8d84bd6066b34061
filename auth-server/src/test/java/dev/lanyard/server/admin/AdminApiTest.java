package dev.lanyard.server.admin;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.federation.IdentityProvider;
import dev.lanyard.server.federation.IdentityProviders;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.secondfactor.TestAuthenticatorApp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The admin REST API over real HTTP, authorised by admin-scoped access tokens. */
class AdminApiTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static OAuthFlows flows;

	private static String adminToken;

	private final TestBrowser http = new TestBrowser();

	@BeforeAll
	static void token() {
		flows = SharedLanyard.flows();
		adminToken = (String) TestBrowser.json(flows.token(new TestBrowser(), "automation",
				TestBootstrap.AUTOMATION_SECRET, Map.of("grant_type", "client_credentials", "scope", "admin")))
			.get("access_token");
	}

	@Test
	void apiWhenNoTokenOrWithoutAdminScopeThenRefused() {
		HttpResponse<String> none = call("GET", "/api/admin/clients", null, null);
		assertThat(none.statusCode()).isEqualTo(401);
		assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
		String reportsOnly = (String) TestBrowser.json(flows.token(this.http, "automation",
				TestBootstrap.AUTOMATION_SECRET, Map.of("grant_type", "client_credentials", "scope", "reports.read")))
			.get("access_token");
		assertThat(call("GET", "/api/admin/clients", reportsOnly, null).statusCode()).isEqualTo(403);
		assertThat(call("GET", "/api/admin/clients", "lyat_forged", null).statusCode()).isEqualTo(401);
		assertThat(call("GET", "/api/admin/clients", adminToken, null).statusCode()).isEqualTo(200);
	}

	/**
	 * The answers to a leaked client secret work at once: a token of a client whose admin
	 * scope was taken away is refused, and one obtained before its secret was regenerated
	 * is dead (not alive for the rest of its lifetime).
	 */
	@Test
	void apiWhenClientLosesAdminScopeOrSecretRegeneratedThenItsTokensRefusedAtOnce() {
		String clientId = "ops-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> admin = Map.of("client_id", clientId, "grant_types", List.of("client_credentials"), "scope",
				"admin reports.read");
		HttpResponse<String> created = call("POST", "/api/admin/clients", adminToken, admin);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String secret = (String) TestBrowser.json(created).get("client_secret");
		String before = clientToken(clientId, secret);
		assertThat(call("GET", "/api/admin/clients", before, null).statusCode()).isEqualTo(200);

		HttpResponse<String> narrowed = call("PUT", "/api/admin/clients/" + clientId, adminToken,
				Map.of("client_id", clientId, "grant_types", List.of("client_credentials"), "scope", "reports.read"));
		assertThat(narrowed.statusCode()).as(narrowed.body()).isEqualTo(200);
		assertThat(call("GET", "/api/admin/clients", before, null).statusCode()).isEqualTo(403);

		assertThat(call("PUT", "/api/admin/clients/" + clientId, adminToken, admin).statusCode()).isEqualTo(200);
		String issued = clientToken(clientId, secret);
		assertThat(call("GET", "/api/admin/clients", issued, null).statusCode()).isEqualTo(200);
		// A caller that cannot take a JSON answer loses nothing: the secret was replaced
		// first, and the new one lost with the answer.
		HttpResponse<String> asHtml = this.http
			.send(HttpRequest.newBuilder(URI.create(flows.url("/api/admin/clients/" + clientId + "/secret")))
				.header("Authorization", "Bearer " + adminToken)
				.header("Accept", "text/html")
				.POST(HttpRequest.BodyPublishers.noBody())
				.build());
		assertThat(asHtml.statusCode()).isEqualTo(406);
		assertThat(call("GET", "/api/admin/clients", issued, null).statusCode()).isEqualTo(200);
		HttpResponse<String> regenerated = call("POST", "/api/admin/clients/" + clientId + "/secret", adminToken, null);
		assertThat(regenerated.statusCode()).as(regenerated.body()).isEqualTo(200);
		assertThat(call("GET", "/api/admin/clients", issued, null).statusCode()).isEqualTo(401);
		assertThat(call("GET", "/api/admin/clients",
				clientToken(clientId, (String) TestBrowser.json(regenerated).get("client_secret")), null)
			.statusCode()).isEqualTo(200);
	}

	private String clientToken(String clientId, String secret) {
		return (String) TestBrowser
			.json(flows.token(this.http, clientId, secret,
					Map.of("grant_type", "client_credentials", "scope", "admin")))
			.get("access_token");
	}

	/**
	 * A client granted the admin scope cannot lend it to a user without the admin role.
	 */
	@Test
	void apiWhenUserTokenThenUserMustHaveAdminRole() {
		assertThat(call("GET", "/api/admin/users", userToken("bob", TestBootstrap.BOB_PASSWORD), null).statusCode())
			.isEqualTo(403);
		assertThat(call("GET", "/api/admin/users", userToken("alice", TestBootstrap.ALICE_PASSWORD), null).statusCode())
			.isEqualTo(200);
	}

	/**
	 * OA-54: a private_key_jwt client registered through the API with its JWK Set gets no
	 * secret and gives its keys back; a private key is refused by field; a change that
	 * names no method keeps it.
	 */
	@Test
	void clientsWhenPrivateKeyJwtThroughApiThenKeysNoSecretAndPrivateKeyRefused() throws Exception {
		String clientId = "api-signed-" + UUID.randomUUID().toString().substring(0, 8);
		RSAKey key = new RSAKeyGenerator(2048).keyID("api-1").generate();
		Map<String, Object> publicKeys = new JWKSet(key.toPublicJWK()).toJSONObject(true);
		HttpResponse<String> created = call("POST", "/api/admin/clients", adminToken,
				Map.of("client_id", clientId, "token_endpoint_auth_method", "private_key_jwt", "jwks", publicKeys,
						"grant_types", List.of("client_credentials")));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		Map<String, Object> body = TestBrowser.json(created);
		assertThat(body).doesNotContainKey("client_secret")
			.containsEntry("token_endpoint_auth_method", "private_key_jwt");
		@SuppressWarnings("unchecked")
		Map<String, Object> readKeys = (Map<String, Object>) TestBrowser
			.json(call("GET", "/api/admin/clients/" + clientId, adminToken, null))
			.get("jwks");
		assertThat(JWKSet.parse(readKeys).getKeyByKeyId("api-1").toRSAKey().toRSAPublicKey())
			.isEqualTo(key.toRSAPublicKey());
		assertThat(call("POST", "/api/admin/clients/" + clientId + "/secret", adminToken, null).statusCode())
			.isEqualTo(400);

		HttpResponse<String> unnamed = call("PUT", "/api/admin/clients/" + clientId, adminToken,
				Map.of("client_name", "Signed", "grant_types", List.of("client_credentials")));
		assertThat(unnamed.statusCode()).as(unnamed.body()).isEqualTo(200);
		assertThat(TestBrowser.json(unnamed)).containsEntry("token_endpoint_auth_method", "private_key_jwt")
			.containsKey("jwks");

		// New keys: audited as such (never the keys themselves).
		RSAKey next = new RSAKeyGenerator(2048).keyID("api-2").generate();
		HttpResponse<String> rekeyed = call("PUT", "/api/admin/clients/" + clientId, adminToken,
				Map.of("token_endpoint_auth_method", "private_key_jwt", "jwks",
						new JWKSet(next.toPublicJWK()).toJSONObject(true), "grant_types",
						List.of("client_credentials")));
		assertThat(rekeyed.statusCode()).as(rekeyed.body()).isEqualTo(200);
		String audit = call("GET", "/api/admin/audit?action=client.updated", adminToken, null).body();
		assertThat(audit).contains("\"keys_changed\":true")
			.contains("\"keys_changed\":false")
			.doesNotContain(next.getModulus().toString());

		HttpResponse<String> privateKey = call("POST", "/api/admin/clients", adminToken,
				Map.of("client_id", "leaky-" + clientId, "token_endpoint_auth_method", "private_key_jwt", "jwks",
						new JWKSet(key).toJSONObject(false), "grant_types", List.of("client_credentials")));
		assertThat(privateKey.statusCode()).isEqualTo(400);
		assertThat(privateKey.body()).contains("\"field\":\"jwks\"")
			.contains("jwks.private")
			.doesNotContain(key.getPrivateExponent().toString());
	}

	@Test
	void clientsWhenManagedThroughApiThenRulesAndSecretOnceAndAudit() {
		String clientId = "api-client-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> request = Map.of("client_id", clientId, "client_name", "API client", "redirect_uris",
				List.of("https://api-client.example/cb"), "grant_types", List.of("authorization_code", "refresh_token"),
				"scope", "openid profile", "dpop_bound_access_tokens", true);
		HttpResponse<String> created = call("POST", "/api/admin/clients", adminToken, request);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		Map<String, Object> body = TestBrowser.json(created);
		String secret = (String) body.get("client_secret");
		assertThat(secret).startsWith("lycs_");
		assertThat(body.get("token_endpoint_auth_method")).isEqualTo("client_secret_basic");
		assertThat(body.get("scope")).isEqualTo("openid profile");
		assertThat(body.get("dpop_bound_access_tokens")).isEqualTo(true);

		HttpResponse<String> read = call("GET", "/api/admin/clients/" + clientId, adminToken, null);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.body()).doesNotContain("\"client_secret\"").doesNotContain(secret);
		assertThat(call("GET", "/api/admin/clients?q=" + clientId, adminToken, null).body()).contains(clientId)
			.doesNotContain(secret);

		assertThat(call("POST", "/api/admin/clients", adminToken, request).statusCode()).isEqualTo(409);

		HttpResponse<String> invalid = call("POST", "/api/admin/clients", adminToken,
				Map.of("client_id", "bad-" + clientId, "redirect_uris", List.of("https://x.example/cb#frag"),
						"grant_types", List.of("authorization_code")));
		assertThat(invalid.statusCode()).isEqualTo(400);
		assertThat(invalid.body()).contains("\"field\":\"redirect_uris\"").contains("redirect-uri.fragment");
		assertThat(call("GET", "/api/admin/clients/bad-" + clientId, adminToken, null).statusCode()).isEqualTo(404);

		Map<String, Object> change = Map.of("client_name", "Renamed", "logo_uri", "https://api-client.example/logo.svg",
				"redirect_uris", List.of("https://api-client.example/cb", "https://api-client.example/cb2"),
				"grant_types", List.of("authorization_code"), "scope", "openid", "enabled", true);
		HttpResponse<String> updated = call("PUT", "/api/admin/clients/" + clientId, adminToken, change);
		assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
		assertThat(TestBrowser.json(updated).get("client_name")).isEqualTo("Renamed");
		assertThat(TestBrowser.json(updated).get("logo_uri")).isEqualTo("https://api-client.example/logo.svg");

		HttpResponse<String> regenerated = call("POST", "/api/admin/clients/" + clientId + "/secret", adminToken, null);
		String newSecret = (String) TestBrowser.json(regenerated).get("client_secret");
		assertThat(newSecret).isNotEqualTo(secret).startsWith("lycs_");

		assertThat(call("DELETE", "/api/admin/clients/" + clientId, adminToken, null).statusCode()).isEqualTo(204);
		assertThat(call("GET", "/api/admin/clients/" + clientId, adminToken, null).statusCode()).isEqualTo(404);
		assertThat(call("DELETE", "/api/admin/clients/" + clientId, adminToken, null).statusCode()).isEqualTo(404);

		String audit = call("GET", "/api/admin/audit?action=client.", adminToken, null).body();
		// The update says which settings it changed, never their values.
		assertThat(audit).contains("client.created")
			.contains("client.updated")
			.containsPattern("\"changed\":\\[[^\\]]*\"redirect_uris\"")
			.doesNotContain("https://api-client.example/cb2")
			.contains("client.secret_regenerated")
			.contains("client.deleted")
			.contains("client:" + clientId)
			.doesNotContain(secret)
			.doesNotContain(newSecret);
	}

	/**
	 * Upstream identity providers through the API: the secret write-only and kept when
	 * left out, the core's rules by field, audit, and a person's linked identities.
	 */
	@Test
	void identityProvidersWhenManagedThroughApiThenSecretWriteOnlyAndRulesAndLinks() {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("display_name", "Corporate sign-in");
		request.put("issuer", "https://login.corp.example");
		request.put("client_id", "lanyard");
		request.put("client_secret", "upstream-secret-never-shown");
		request.put("scopes", List.of("openid", "email"));
		request.put("create_users", true);
		request.put("default_roles", List.of("user"));
		request.put("claim_mappings", Map.of("tenant", "org_id"));
		HttpResponse<String> created = call("PUT", "/api/admin/identity-providers/api-corp", adminToken, request);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
		assertThat(created.body()).doesNotContain("upstream-secret-never-shown");
		assertThat(TestBrowser.json(created)).containsEntry("has_client_secret", true)
			.containsEntry("create_users", true)
			.containsEntry("callback_path", "/login/federated/api-corp")
			.containsEntry("claim_mappings", Map.of("tenant", "org_id"));

		request.remove("client_secret");
		request.put("display_name", "Corporate");
		HttpResponse<String> changed = call("PUT", "/api/admin/identity-providers/api-corp", adminToken, request);
		assertThat(TestBrowser.json(changed)).containsEntry("display_name", "Corporate")
			.containsEntry("has_client_secret", true);
		IdentityProvider stored = SharedLanyard.server().bean(IdentityProviders.class).find("api-corp").orElseThrow();
		assertThat(stored.clientSecret()).isEqualTo("upstream-secret-never-shown");
		assertThat(call("GET", "/api/admin/identity-providers", adminToken, null).body()).contains("api-corp")
			.doesNotContain("upstream-secret-never-shown");
		// Disabled in an incident, then its secret rotated by a script that leaves
		// "enabled" out: it stays disabled (it was turned back on).
		request.put("enabled", false);
		assertThat(TestBrowser.json(call("PUT", "/api/admin/identity-providers/api-corp", adminToken, request)))
			.containsEntry("enabled", false);
		request.remove("enabled");
		request.put("client_secret", "upstream-secret-rotated");
		assertThat(TestBrowser.json(call("PUT", "/api/admin/identity-providers/api-corp", adminToken, request)))
			.containsEntry("enabled", false);
		request.remove("client_secret");

		Map<String, Object> broken = new LinkedHashMap<>(request);
		broken.put("issuer", "http://login.corp.example");
		broken.put("scopes", List.of("email"));
		// Every account the provider creates would be an administrator.
		broken.put("default_roles", List.of("user", "admin"));
		HttpResponse<String> refused = call("PUT", "/api/admin/identity-providers/Bad_Id", adminToken, broken);
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("\"field\":\"id\"")
			.contains("\"field\":\"issuer\"")
			.contains("\"field\":\"scopes\"")
			.contains("\"field\":\"default_roles\"");

		String audit = call("GET", "/api/admin/audit?action=identity_provider.", adminToken, null).body();
		assertThat(audit).contains("identity_provider.created")
			.contains("identity_provider.updated")
			.containsPattern("\"changed\":\\[\"display_name\"\\]");
		assertThat(audit).doesNotContain("upstream-secret-never-shown");

		String alice = SharedLanyard.server()
			.bean(JdbcUserAccountRepository.class)
			.findByLoginName("alice")
			.orElseThrow()
			.id()
			.toString();
		assertThat(call("GET", "/api/admin/users/" + alice + "/identities", adminToken, null).body()).isEqualTo("[]");
		assertThat(call("DELETE", "/api/admin/users/" + alice + "/identities/api-corp", adminToken, null).statusCode())
			.isEqualTo(404);
		assertThat(call("GET", "/api/admin/users/not-a-user/identities", adminToken, null).statusCode()).isEqualTo(404);

		assertThat(call("DELETE", "/api/admin/identity-providers/api-corp", adminToken, null).statusCode())
			.isEqualTo(204);
		assertThat(call("GET", "/api/admin/identity-providers/api-corp", adminToken, null).statusCode()).isEqualTo(404);
	}

	@Test
	void usersWhenManagedThroughApiThenPasswordWriteOnlyAndConflicts() {
		String username = "api-user-" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> weak = call("POST", "/api/admin/users", adminToken,
				Map.of("username", username, "password", "password123"));
		assertThat(weak.statusCode()).isEqualTo(400);
		assertThat(weak.body()).contains("password.too-common");
		HttpResponse<String> created = call("POST", "/api/admin/users", adminToken,
				Map.of("username", username, "password", "a-good-long-password-42", "email", username + "@example.com",
						"roles", List.of("user"), "attributes", Map.of("tenant", "acme")));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(created.body()).doesNotContain("password");
		String id = (String) TestBrowser.json(created).get("id");
		assertThat(call("POST", "/api/admin/users", adminToken,
				Map.of("username", username.toUpperCase(), "password", "another-good-password-43"))
			.statusCode()).isEqualTo(409);
		HttpResponse<String> updated = call("PUT", "/api/admin/users/" + id, adminToken,
				Map.of("username", username, "roles", List.of("user", "auditor"), "enabled", true));
		assertThat(TestBrowser.json(updated).get("roles")).isEqualTo(List.of("user", "auditor"));
		assertThat(call("PUT", "/api/admin/users/" + id + "/password", adminToken,
				Map.of("password", "a-new-good-password-44"))
			.statusCode()).isEqualTo(204);
		assertThat(TestBrowser.location(flows.signIn(new TestBrowser(), username, "a-new-good-password-44")))
			.doesNotContain("error");
		HttpResponse<String> unlocked = call("POST", "/api/admin/users/" + id + "/unlock", adminToken, null);
		assertThat(TestBrowser.json(unlocked).get("locked")).isEqualTo(false);
		String audit = call("GET", "/api/admin/audit?action=user.", adminToken, null).body();
		// An update says which fields it changed, never their values.
		assertThat(audit).contains("user.created")
			.contains("user.updated")
			.containsPattern("\"changed\":\\[[^\\]]*\"roles\"")
			.contains("user.password_set")
			.contains("user.unlocked")
			.contains("user:" + username)
			.doesNotContain("a-new-good-password-44");
		assertThat(call("GET", "/api/admin/users/" + UUID.randomUUID(), adminToken, null).statusCode()).isEqualTo(404);
		assertThat(call("GET", "/api/admin/users/not-a-uuid", adminToken, null).statusCode()).isEqualTo(404);
		assertThat(call("POST", "/api/admin/users", adminToken, "{not json").statusCode()).isEqualTo(400);
	}

	/**
	 * An unlock while another administrator disables the account: the account ends
	 * unlocked and disabled. The unlock wrote back the whole account as it read it a
	 * moment before, enabling it again (here the disabling holds the row until the unlock
	 * waits on it).
	 */
	@Test
	void unlockWhenAccountChangedMeanwhileThenOnlyUnlocked() throws Exception {
		String username = "unlock-" + UUID.randomUUID().toString().substring(0, 8);
		String id = (String) TestBrowser
			.json(call("POST", "/api/admin/users", adminToken,
					Map.of("username", username, "password", "a-good-long-password-45", "roles", List.of("user"))))
			.get("id");
		DataSource database = SharedLanyard.server().bean(DataSource.class);
		JdbcClient.create(database)
			.sql("UPDATE users SET locked = TRUE WHERE id = ?")
			.param(UUID.fromString(id))
			.update();
		CompletableFuture<HttpResponse<String>> unlocked;
		try (Connection disabling = database.getConnection()) {
			disabling.setAutoCommit(false);
			try (PreparedStatement disable = disabling
				.prepareStatement("UPDATE users SET enabled = FALSE WHERE id = ?")) {
				disable.setObject(1, UUID.fromString(id));
				disable.executeUpdate();
			}
			unlocked = CompletableFuture
				.supplyAsync(() -> call("POST", "/api/admin/users/" + id + "/unlock", adminToken, null));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> JdbcClient.create(database)
					.sql("SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%users%'")
					.query(Boolean.class)
					.single());
			disabling.commit();
		}
		assertThat(unlocked.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		UserAccount account = SharedLanyard.server()
			.bean(JdbcUserAccountRepository.class)
			.findById(UUID.fromString(id))
			.orElseThrow();
		assertThat(account.locked()).isFalse();
		assertThat(account.enabled()).as("the other administrator's change stays").isFalse();
	}

	/**
	 * The standard claims through the API, in their OpenID Connect JSON shape; a bad one
	 * is refused by name and changes nothing; unlock keeps them.
	 */
	@Test
	void usersWhenStandardClaimsGivenThenStoredInTheirJsonShapeAndCheckedByName() {
		String username = "api-claims-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, Object> claims = Map.of("given_name", "Zoë", "birthdate", "1984-06-01", "email_verified", true,
				"address", Map.of("locality", "Ghent", "country", "BE"));
		HttpResponse<String> created = call("POST", "/api/admin/users", adminToken,
				Map.of("username", username, "password", "a-good-long-password-42", "claims", claims));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(TestBrowser.json(created).get("claims")).isEqualTo(claims);
		String id = (String) TestBrowser.json(created).get("id");

		HttpResponse<String> refused = call("PUT", "/api/admin/users/" + id, adminToken, Map.of("username", username,
				"claims", Map.of("website", "javascript:alert(1)", "zoneinfo", "Mars/Olympus")));
		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("claims.website").contains("claim.url").contains("claims.zoneinfo");
		assertThat(TestBrowser.json(call("POST", "/api/admin/users/" + id + "/unlock", adminToken, null)).get("claims"))
			.isEqualTo(claims);
		// A PUT that says nothing of claims (an older script toggling roles) keeps them.
		HttpResponse<String> roles = call("PUT", "/api/admin/users/" + id, adminToken,
				Map.of("username", username, "roles", List.of("user", "auditor")));
		assertThat(TestBrowser.json(roles).get("claims")).isEqualTo(claims);
	}

	@Test
	void keysAndSessionsWhenManagedThroughApiThenImmediateAndAudited() {
		String before = call("GET", "/api/admin/keys", adminToken, null).body();
		assertThat(before).contains("\"state\":\"active\"").contains("\"state\":\"next\"").doesNotContain("\"d\"");
		HttpResponse<String> rotated = call("POST", "/api/admin/keys/rotate", adminToken, null);
		assertThat(rotated.statusCode()).isEqualTo(200);
		// The next key signs once published for the publication period (two seconds in
		// tests).
		assertThat(eventually(() -> call("GET", "/api/admin/keys", adminToken, null).body(),
				(keys) -> keys.contains("\"state\":\"retired\"")))
			.isTrue();

		// One grant revoked by id.
		String single = (String) TestBrowser.json(flows.token(this.http, "service", TestBootstrap.SERVICE_SECRET,
				Map.of("grant_type", "client_credentials", "scope", "reports.write")))
			.get("access_token");
		List<Map<String, Object>> grants = json.readValue(
				call("GET", "/api/admin/sessions?client=service", adminToken, null).body(),
				new tools.jackson.core.type.TypeReference<List<Map<String, Object>>>() {
				});
		String newest = (String) grants.get(0).get("id");
		assertThat(grants.get(0).get("scope")).isEqualTo("reports.write");
		assertThat(call("DELETE", "/api/admin/sessions/" + newest, adminToken, null).statusCode()).isEqualTo(204);
		assertThat(flows.introspect(this.http, "service", TestBootstrap.SERVICE_SECRET, single))
			.isEqualTo(Map.of("active", false));
		assertThat(call("DELETE", "/api/admin/sessions/no-such-grant", adminToken, null).statusCode()).isEqualTo(404);
		String serviceToken = (String) TestBrowser
			.json(flows.token(this.http, "service", TestBootstrap.SERVICE_SECRET,
					Map.of("grant_type", "client_credentials")))
			.get("access_token");
		List<?> sessions = json.readValue(call("GET", "/api/admin/sessions?client=service", adminToken, null).body(),
				List.class);
		assertThat(sessions).isNotEmpty();
		HttpResponse<String> revoked = call("POST", "/api/admin/sessions/revoke?client=service", adminToken, null);
		assertThat(revoked.statusCode()).isEqualTo(200);
		assertThat(flows.introspect(this.http, "service", TestBootstrap.SERVICE_SECRET, serviceToken))
			.isEqualTo(Map.of("active", false));
		String audit = call("GET", "/api/admin/audit?action=", adminToken, null).body();
		assertThat(audit).contains("keys.rotated")
			.contains("session.revoked")
			.contains("session.revoked_all")
			.contains("\"actor\":\"automation\"");
	}

	/** HD-08: numbers from a request are bounded at the edge; none of them is a 500. */
	@Test
	void hd08PageAndLifetimesWhenOutOfRangeThenAnsweredNot500() {
		HttpResponse<String> far = call("GET", "/api/admin/clients?page=2147483647&size=200", adminToken, null);
		assertThat(far.statusCode()).as(far.body()).isEqualTo(200);
		assertThat(TestBrowser.json(far).get("items")).isEqualTo(List.of());
		assertThat(call("GET", "/api/admin/users?page=2147483647", adminToken, null).statusCode()).isEqualTo(200);
		assertThat(call("GET", "/api/admin/audit?page=2147483647&size=2147483647", adminToken, null).statusCode())
			.isEqualTo(200);
		assertThat(call("GET", "/api/admin/clients?page=99999999999", adminToken, null).statusCode()).isEqualTo(400);
		assertThat(call("GET", "/api/admin/clients?page=-3", adminToken, null).statusCode()).isEqualTo(200);
		for (String field : new String[] { "access_token_ttl", "refresh_token_idle", "refresh_token_max" }) {
			for (long value : new long[] { Long.MAX_VALUE, Integer.MAX_VALUE + 1L, -1, 0 }) {
				HttpResponse<String> response = call("POST", "/api/admin/clients", adminToken,
						Map.of("client_id", "ttl-" + UUID.randomUUID().toString().substring(0, 8), "grant_types",
								List.of("client_credentials"), field, value));
				assertThat(response.statusCode()).as(field + "=" + value + " " + response.body()).isEqualTo(400);
				assertThat(response.body()).contains("\"field\":\"" + field + "\"");
			}
		}
		HttpResponse<String> overflow = call("POST", "/api/admin/clients", adminToken,
				"{\"client_id\":\"x\",\"grant_types\":[\"client_credentials\"],\"access_token_ttl\":99999999999999999999999}");
		assertThat(overflow.statusCode()).isEqualTo(400);
		// Instants PostgreSQL's timestamps cannot hold (these were 500s): the same events
		// as the years 1 and 9999.
		for (String bounds : new String[] { "from=%2B999999999-12-31T00:00:00Z", "to=-999999999-01-01T00:00:00Z",
				"from=%2B300000-01-01T00:00:00Z" }) {
			HttpResponse<String> bounded = call("GET", "/api/admin/audit?" + bounds, adminToken, null);
			assertThat(bounded.statusCode()).as(bounds + " " + bounded.body()).isEqualTo(200);
			assertThat(TestBrowser.json(bounded).get("items")).as(bounds).isEqualTo(List.of());
		}
		assertThat((List<?>) TestBrowser
			.json(call("GET", "/api/admin/audit?to=%2B999999999-12-31T00:00:00Z", adminToken, null))
			.get("items")).isNotEmpty();
	}

	/**
	 * HD-08: a NUL character in a JSON string (PostgreSQL cannot store one in text or
	 * JSON): 400 and nothing stored, never a 500, wherever it is (a user's e-mail
	 * address, an attribute value, the query of a search).
	 */
	@Test
	void hd08ValueWithNulWhenSentThen400AndNothingStored() {
		String username = "nul-" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> email = call("POST", "/api/admin/users", adminToken, Map.of("username", username,
				"password", "a-good-long-password-42", "email", "a\0b@example.com", "roles", List.of("user")));
		assertThat(email.statusCode()).as(email.body()).isEqualTo(400);
		assertThat(email.body()).contains("invalid_request").doesNotContain("Exception");
		HttpResponse<String> attribute = call("POST", "/api/admin/users", adminToken,
				Map.of("username", username, "password", "a-good-long-password-42", "roles", List.of("user"),
						"attributes", Map.of("tenant", "ac\0me")));
		assertThat(attribute.statusCode()).as(attribute.body()).isEqualTo(400);
		assertThat(call("GET", "/api/admin/users?q=" + username, adminToken, null).body()).doesNotContain(username);
		assertThat(call("GET", "/api/admin/users?q=a%00b", adminToken, null).statusCode()).isEqualTo(400);
		HttpResponse<String> created = call("POST", "/api/admin/users", adminToken,
				Map.of("username", username, "password", "a-good-long-password-42", "roles", List.of("user")));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
	}

	/**
	 * HD-01: a JSON body over 64 KiB is refused (413) before anything reads it, and one
	 * of unknown length (chunked) asks for its length (411); a POSTed form over the limit
	 * stays Tomcat's (413 too), any other method's is refused the same way. The server
	 * held whatever document an API caller sent.
	 */
	@Test
	void hd01BodyWhenTooLargeOrOfUnknownLengthThenRefusedUnread() {
		String username = "large-" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> large = call("POST", "/api/admin/users", adminToken,
				Map.of("username", username, "password", "a-good-long-password-42", "roles", List.of("user"),
						"attributes", Map.of("padding", "x".repeat(70_000))));
		assertThat(large.statusCode()).isEqualTo(413);
		assertThat(TestBrowser.json(large)).containsEntry("error", "invalid_request");
		HttpResponse<String> chunked = this.http.send(HttpRequest.newBuilder(URI.create(flows.url("/api/admin/users")))
			.header("Authorization", "Bearer " + adminToken)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
					json.writeValueAsBytes(Map.of("username", username, "password", "a-good-long-password-42")))))
			.build());
		assertThat(chunked.statusCode()).isEqualTo(411);
		assertThat(call("GET", "/api/admin/users?q=" + username, adminToken, null).body()).doesNotContain(username);
		HttpResponse<String> form = this.http.send(HttpRequest.newBuilder(URI.create(flows.url("/oauth2/token")))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&pad=" + "x".repeat(70_000)))
			.build());
		assertThat(form.statusCode()).isEqualTo(413);
		// Tomcat bounds POSTed forms only; Spring reads a PUT's form whole, before any
		// authentication.
		HttpResponse<String> putForm = this.http.send(HttpRequest.newBuilder(URI.create(flows.url("/api/admin/users")))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.PUT(HttpRequest.BodyPublishers.ofString("pad=" + "x".repeat(70_000)))
			.build());
		assertThat(putForm.statusCode()).isEqualTo(413);
	}

	/**
	 * HD-08: a JSON {@code null} inside a list or as a map's value is refused, naming the
	 * field. Each was a 500 (the drafts' copies of the lists failed on it).
	 */
	@Test
	void hd08NullInsideListOrMapWhenSentThen400NamingTheField() {
		String clientId = "nulls-" + UUID.randomUUID().toString().substring(0, 8);
		for (String field : List.of("grant_types", "redirect_uris", "post_logout_redirect_uris",
				"exchange_audiences")) {
			Map<String, Object> client = new LinkedHashMap<>(
					Map.of("client_id", clientId, "grant_types", List.of("client_credentials"), "scope", "profile"));
			client.put(field, java.util.Arrays.asList("client_credentials", null));
			HttpResponse<String> refused = call("POST", "/api/admin/clients", adminToken, client);
			assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
			assertThat(refused.body()).contains("\"field\":\"" + field + "\"");
		}
		assertThat(call("GET", "/api/admin/clients/" + clientId, adminToken, null).statusCode()).isEqualTo(404);
		String username = "nulls-" + UUID.randomUUID().toString().substring(0, 8);
		Map<String, String> attributes = new java.util.HashMap<>();
		attributes.put("tenant", null);
		for (Map.Entry<String, Object> field : Map
			.<String, Object>of("roles", java.util.Arrays.asList("user", null), "attributes", attributes)
			.entrySet()) {
			Map<String, Object> user = new LinkedHashMap<>(
					Map.of("username", username, "password", "a-good-long-password-42", "roles", List.of("user")));
			user.put(field.getKey(), field.getValue());
			HttpResponse<String> refused = call("POST", "/api/admin/users", adminToken, user);
			assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
			assertThat(refused.body()).contains("\"field\":\"" + field.getKey() + "\"");
		}
		assertThat(call("GET", "/api/admin/users?q=" + username, adminToken, null).body()).doesNotContain(username);
		// An address shown on the account page and released as the email claim is plain
		// text: no bidi controls that would show it as another.
		HttpResponse<String> reversed = call("POST", "/api/admin/users", adminToken, Map.of("username", username,
				"password", "a-good-long-password-42", "email", "moc.elpmaxe\u202E@evil.example"));
		assertThat(reversed.statusCode()).as(reversed.body()).isEqualTo(400);
		assertThat(reversed.body()).contains("\"field\":\"email\"");
	}

	@Test
	void openApiWhenRequestedThenServed() {
		HttpResponse<String> spec = this.http.get(flows.url("/api/admin/openapi.yaml"));
		assertThat(spec.statusCode()).isEqualTo(200);
		assertThat(spec.body()).contains("openapi: 3.1.0").contains("/clients/{client_id}/secret");
	}

	static boolean eventually(java.util.function.Supplier<String> read, java.util.function.Predicate<String> done) {
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(6);
		while (System.nanoTime() < deadline) {
			if (done.test(read.get())) {
				return true;
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	/**
	 * LG-25, LG-26 over the API: a user created with the authenticator app they bring
	 * (migration) is asked for its codes at once; their factors are listed without
	 * secrets; mfa-required and the reset are set through the API and audited.
	 */
	@Test
	void usersWhenCreatedWithAuthenticatorAppThenSignInAsksForItsCodeAndFactorsManagedThroughApi() {
		String username = "migrated-" + UUID.randomUUID().toString().substring(0, 8);
		String password = "migrated-user-password-2026";
		String base32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
		HttpResponse<String> weak = call("POST", "/api/admin/users", adminToken, Map.of("username", username,
				"password", password, "roles", List.of("user"), "totp_secret", "JBSWY3DPEHPK3PXP"));
		assertThat(weak.statusCode()).isEqualTo(400);
		assertThat(weak.body()).contains("\"field\":\"totp_secret\"");
		assertThat(call("GET", "/api/admin/users?q=" + username, adminToken, null).body())
			.as("nothing created by a refused request")
			.doesNotContain("\"username\":\"" + username + "\"");

		HttpResponse<String> created = call("POST", "/api/admin/users", adminToken,
				Map.of("username", username, "password", password, "roles", List.of("user"), "totp_secret",
						"jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp"));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(created.body()).doesNotContainIgnoringCase("jbsw");
		String id = (String) TestBrowser.json(created).get("id");
		Map<String, Object> factors = TestBrowser
			.json(call("GET", "/api/admin/users/" + id + "/second-factors", adminToken, null));
		assertThat(factors).containsEntry("authenticator_app", true)
			.containsEntry("mfa_required", false)
			.containsEntry("passkeys", List.of())
			.containsEntry("blocked", false);

		TestBrowser browser = new TestBrowser();
		assertThat(TestBrowser.location(flows.signIn(browser, username, password))).endsWith("/login/second-factor");
		HttpResponse<String> signedIn = TestAuthenticatorApp.submitCode(browser, flows.url(""),
				TestAuthenticatorApp.imported(base32).currentCode());
		assertThat(TestBrowser.location(signedIn)).doesNotContain("/login");

		HttpResponse<String> replaced = call("PUT", "/api/admin/users/" + id, adminToken,
				Map.of("username", username, "roles", List.of("user"), "totp_secret", base32));
		assertThat(replaced.statusCode()).isEqualTo(400);
		assertThat(replaced.body()).contains("totp-secret.on-create-only");

		HttpResponse<String> required = call("PUT", "/api/admin/users/" + id + "/mfa-required", adminToken,
				Map.of("mfa_required", true));
		assertThat(required.statusCode()).as(required.body()).isEqualTo(200);
		assertThat(TestBrowser.json(required)).containsEntry("mfa_required", true);
		assertThat(call("PUT", "/api/admin/users/" + id + "/mfa-required", adminToken, Map.of()).statusCode())
			.isEqualTo(400);

		assertThat(call("DELETE", "/api/admin/users/" + id + "/second-factors", adminToken, null).statusCode())
			.isEqualTo(204);
		assertThat(TestBrowser.json(call("GET", "/api/admin/users/" + id + "/second-factors", adminToken, null)))
			.containsEntry("authenticator_app", false)
			.containsEntry("mfa_required", true);
		assertThat(call("GET", "/api/admin/audit?action=user.", adminToken, null).body())
			.contains("user.authenticator_app_imported")
			.contains("user.second_factor_required")
			.contains("user.second_factors_reset");
	}

	private HttpResponse<String> call(String method, String path, String token, Object body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(flows.url(path)));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		String payload = (body == null) ? null : (body instanceof String text) ? text : json.writeValueAsString(body);
		request.method(method,
				(payload == null) ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(payload));
		if (payload != null) {
			request.header("Content-Type", "application/json");
		}
		return this.http.send(request.build());
	}

	private static String userToken(String username, String password) {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String redirect = flows.authorizeWithLogin(new TestBrowser(),
				OAuthFlows.codeRequest("admin-tool", TestBootstrap.REDIRECT_URI, "openid admin", "s", pkce), username,
				password);
		return (String) TestBrowser
			.json(flows.redeemCode(new TestBrowser(), "admin-tool", TestBootstrap.WEB_APP_SECRET,
					TestBrowser.queryParameters(redirect).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier()))
			.get("access_token");
	}

}
