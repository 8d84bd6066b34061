package dev.lanyard.server.admin;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HD-07 at the admin API: the changes the console asks the password for need a credential
 * proven recently (a fresh client token, or a user's recent sign-in), else RFC 9470's
 * {@code insufficient_user_authentication}. The server here allows one second.
 */
class AdminReauthenticationTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static LanyardTestServer server;

	private static OAuthFlows flows;

	private final TestBrowser http = new TestBrowser();

	@BeforeAll
	static void start() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.admin.reauthentication-max-age", "1s");
		server = LanyardTestServer.start(deployment);
		flows = new OAuthFlows(server.baseUrl());
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void hd07ApiWhenClientTokenStaleThenRegisteringRedirectClientNeedsNewToken() throws InterruptedException {
		String token = clientToken();
		Thread.sleep(1500);
		Map<String, Object> codeClient = Map.of("client_id", "api-" + UUID.randomUUID().toString().substring(0, 8),
				"redirect_uris", List.of("https://attacker.example/cb"), "grant_types", List.of("authorization_code"),
				"require_pkce", false);
		HttpResponse<String> stale = call("POST", "/api/admin/clients", token, codeClient);
		assertThat(stale.statusCode()).isEqualTo(401);
		assertThat(stale.headers().firstValue("WWW-Authenticate").orElse(""))
			.contains("error=\"insufficient_user_authentication\"")
			.contains("max_age=1");
		assertThat(call("GET", "/api/admin/clients/" + codeClient.get("client_id"), token, null).statusCode())
			.isEqualTo(404);
		// Changes that send nothing anywhere need no fresh credential.
		Map<String, Object> machine = Map.of("client_id", "api-" + UUID.randomUUID().toString().substring(0, 8),
				"grant_types", List.of("client_credentials"), "scope", "reports.read");
		assertThat(call("POST", "/api/admin/clients", token, machine).statusCode()).isEqualTo(201);
		assertThat(call("POST", "/api/admin/clients/" + machine.get("client_id") + "/secret", token, null).statusCode())
			.isEqualTo(401);
		// Deleting shuts a client out, as disabling does.
		assertThat(call("DELETE", "/api/admin/clients/" + machine.get("client_id"), token, null).statusCode())
			.isEqualTo(401);
		assertThat(call("GET", "/api/admin/clients/" + machine.get("client_id"), token, null).statusCode())
			.isEqualTo(200);
		// A fresh token does it.
		assertThat(call("POST", "/api/admin/clients", clientToken(), codeClient).statusCode()).isEqualTo(201);
	}

	/**
	 * Initial access tokens for dynamic registration let anyone register clients: the
	 * same 401 (its controller once lacked the API's errors, and this was a 500).
	 */
	@Test
	void hd07ApiWhenClientTokenStaleThenRegistrationTokenNeedsNewToken() throws InterruptedException {
		String token = clientToken();
		Thread.sleep(1500);
		Map<String, Object> request = Map.of("description", "partner onboarding", "uses", 1);
		HttpResponse<String> stale = call("POST", "/api/admin/registration-tokens", token, request);
		assertThat(stale.statusCode()).isEqualTo(401);
		assertThat(stale.headers().firstValue("WWW-Authenticate").orElse(""))
			.contains("error=\"insufficient_user_authentication\"")
			.contains("max_age=1");
		assertThat(stale.body()).doesNotContain("\"token\":");
		// A body it cannot read is the API's 400, not a 500.
		assertThat(call("POST", "/api/admin/registration-tokens", clientToken(), Map.of("uses", "many")).statusCode())
			.isEqualTo(400);
		assertThat(call("POST", "/api/admin/registration-tokens", clientToken(), request).statusCode()).isEqualTo(201);
	}

	@Test
	@SuppressWarnings("unchecked")
	void hd07ApiWhenUserSignedInLongAgoThenPasswordAndAdminRoleChangesRefused() throws InterruptedException {
		String userToken = userToken();
		String bob = (String) ((List<Map<String, Object>>) TestBrowser
			.json(call("GET", "/api/admin/users?q=bob", userToken, null))
			.get("items")).get(0).get("id");
		Thread.sleep(1500);
		assertThat(call("PUT", "/api/admin/users/" + bob + "/password", userToken,
				Map.of("password", "violet-anchor-meadow-12"))
			.statusCode()).isEqualTo(401);
		assertThat(call("PUT", "/api/admin/users/" + bob, userToken,
				Map.of("username", "bob", "roles", List.of("user", "admin"), "enabled", true))
			.statusCode()).isEqualTo(401);
		// Another e-mail address hands the account over (a reset link goes there).
		assertThat(call("PUT", "/api/admin/users/" + bob, userToken,
				Map.of("username", "bob", "email", "mallory@example.net", "roles", List.of("user"), "enabled", true))
			.statusCode()).isEqualTo(401);
		assertThat(call("PUT", "/api/admin/users/" + bob, userToken,
				Map.of("username", "bob", "roles", List.of("user", "reader"), "enabled", true))
			.statusCode()).isEqualTo(200);
		assertThat(call("PUT", "/api/admin/users/" + bob + "/password", userToken(),
				Map.of("password", "violet-anchor-meadow-12"))
			.statusCode()).isEqualTo(204);
	}

	/**
	 * An administrator shut out (disabled or locked, perhaps because their password
	 * leaked) is let back in only with a fresh credential, as the role is given; a PUT
	 * that leaves {@code enabled} out keeps the account as it is.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void hd07ApiWhenAdministratorLetBackInWithStaleTokenThenRefusedAndLeftOutEnabledKept() throws InterruptedException {
		String fresh = clientToken();
		String name = "ops-" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> created = call("POST", "/api/admin/users", fresh, Map.of("username", name, "password",
				"quiet-harbour-lantern-58", "roles", List.of("user", "admin"), "enabled", false));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String id = (String) TestBrowser.json(created).get("id");
		Thread.sleep(1500);
		Map<String, Object> sameRoles = Map.of("username", name, "roles", List.of("user", "admin"));
		HttpResponse<String> keptDisabled = call("PUT", "/api/admin/users/" + id, fresh, sameRoles);
		assertThat(keptDisabled.statusCode()).as(keptDisabled.body()).isEqualTo(200);
		assertThat(TestBrowser.json(keptDisabled).get("enabled")).isEqualTo(false);
		Map<String, Object> enabled = new java.util.HashMap<>(sameRoles);
		enabled.put("enabled", true);
		assertThat(call("PUT", "/api/admin/users/" + id, fresh, enabled).statusCode()).isEqualTo(401);
		HttpResponse<String> locked = call("PUT", "/api/admin/users/" + id, clientToken(),
				Map.of("username", name, "roles", List.of("user", "admin"), "enabled", true, "locked", true));
		assertThat(locked.statusCode()).as(locked.body()).isEqualTo(200);
		String staleAgain = clientToken();
		Thread.sleep(1500);
		assertThat(call("POST", "/api/admin/users/" + id + "/unlock", staleAgain, null).statusCode()).isEqualTo(401);
		assertThat(TestBrowser.json(call("GET", "/api/admin/users/" + id, staleAgain, null)).get("locked"))
			.isEqualTo(true);
		assertThat(call("POST", "/api/admin/users/" + id + "/unlock", clientToken(), null).statusCode()).isEqualTo(200);
	}

	/**
	 * The emergency rotation breaks every token signed so far: it needs a fresh
	 * credential too.
	 */
	@Test
	@SuppressWarnings("unchecked")
	void hd07ApiWhenEmergencyRotationThenFreshCredentialNeededAndKeyWithdrawn() throws InterruptedException {
		String stale = clientToken();
		Thread.sleep(1500);
		assertThat(call("POST", "/api/admin/keys/rotate-emergency", stale, null).statusCode()).isEqualTo(401);
		assertThat(call("GET", "/api/admin/audit?action=admin.reauthentication_required", clientToken(), null).body())
			.as("the refusal is audited, with what was asked")
			.contains("POST /api/admin/keys/rotate-emergency")
			.contains("\"actor\":\"automation\"");
		String before = (String) ((List<Map<String, Object>>) json
			.readValue(call("GET", "/api/admin/keys", stale, null).body(), List.class)).stream()
			.filter((key) -> "active".equals(key.get("state")))
			.findFirst()
			.orElseThrow()
			.get("kid");
		HttpResponse<String> rotated = call("POST", "/api/admin/keys/rotate-emergency", clientToken(), null);
		assertThat(rotated.statusCode()).isEqualTo(200);
		assertThat(rotated.body()).doesNotContain(before);
		assertThat(this.http.get(flows.url("/oauth2/jwks")).body()).doesNotContain(before);
		assertThat(call("GET", "/api/admin/audit?action=keys.rotated_in_emergency", clientToken(), null).body())
			.contains("keys.rotated_in_emergency");
	}

	private String clientToken() {
		return (String) TestBrowser.json(flows.token(this.http, "automation", TestBootstrap.AUTOMATION_SECRET,
				Map.of("grant_type", "client_credentials", "scope", "admin")))
			.get("access_token");
	}

	private static String userToken() {
		TestBrowser.Pkce pkce = TestBrowser.Pkce.create();
		String redirect = flows.authorizeWithLogin(new TestBrowser(),
				OAuthFlows.codeRequest("admin-tool", TestBootstrap.REDIRECT_URI, "openid admin", "s", pkce), "alice",
				TestBootstrap.ALICE_PASSWORD);
		return (String) TestBrowser
			.json(flows.redeemCode(new TestBrowser(), "admin-tool", TestBootstrap.WEB_APP_SECRET,
					TestBrowser.queryParameters(redirect).get("code"), TestBootstrap.REDIRECT_URI, pkce.verifier()))
			.get("access_token");
	}

	private HttpResponse<String> call(String method, String path, String token, Object body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(flows.url(path)))
			.header("Authorization", "Bearer " + token);
		String payload = (body == null) ? null : json.writeValueAsString(body);
		request.method(method,
				(payload == null) ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(payload));
		if (payload != null) {
			request.header("Content-Type", "application/json");
		}
		return this.http.send(request.build());
	}

}
