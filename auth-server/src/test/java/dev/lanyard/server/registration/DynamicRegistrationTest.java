package dev.lanyard.server.registration;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.client.ClientDeleteRequest;
import com.nimbusds.oauth2.sdk.client.ClientInformation;
import com.nimbusds.oauth2.sdk.client.ClientInformationResponse;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.ClientReadRequest;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationErrorResponse;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationRequest;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationResponse;
import com.nimbusds.oauth2.sdk.client.ClientUpdateRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dynamic client registration (RFC 7591) and management (RFC 7592; docs/SECURITY.md
 * OA-58) over real HTTP, with nimbus's OAuth 2.0 SDK as the registering client: closed
 * without an administrator's initial access token, each token good for its number of
 * registrations, the console's rules and the dynamic clients' own, then read, update,
 * delete with the registration access token.
 */
class DynamicRegistrationTest {

	private static OAuthFlows flows;

	private static URI endpoint;

	private static String adminToken;

	private final TestBrowser http = new TestBrowser();

	@BeforeAll
	static void setUp() {
		flows = SharedLanyard.flows();
		endpoint = URI.create(flows.url("/connect/register"));
		adminToken = (String) TestBrowser.json(flows.token(new TestBrowser(), "automation",
				TestBootstrap.AUTOMATION_SECRET, Map.of("grant_type", "client_credentials", "scope", "admin")))
			.get("access_token");
	}

	@Test
	void registrationWhenInitialAccessTokenThenClientWorksAndIsManagedWithItsOwnToken() throws Exception {
		BearerAccessToken initial = new BearerAccessToken(initialAccessToken(1));
		ClientMetadata metadata = new ClientMetadata();
		metadata.setName("Nightly report");
		metadata.setLogoURI(URI.create("https://report.example/logo.png"));
		metadata.setGrantTypes(Set.of(GrantType.CLIENT_CREDENTIALS));
		metadata.setScope(new Scope("profile"));
		metadata.setTokenEndpointAuthMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
		ClientRegistrationResponse response = ClientRegistrationResponse
			.parse(new ClientRegistrationRequest(endpoint, metadata, initial).toHTTPRequest().send());
		assertThat(response.indicatesSuccess())
			.as(() -> ((ClientRegistrationErrorResponse) response).getErrorObject().toString())
			.isTrue();
		ClientInformation client = ((ClientInformationResponse) response).getClientInformation();
		String clientId = client.getID().getValue();
		String secret = client.getSecret().getValue();
		assertThat(clientId).startsWith("dyn-");
		assertThat(client.getRegistrationURI()).isEqualTo(URI.create(flows.url("/connect/register/" + clientId)));

		// The client works at once.
		HttpResponse<String> token = flows.token(this.http, clientId, secret,
				Map.of("grant_type", "client_credentials", "scope", "profile"));
		assertThat(token.statusCode()).as(token.body()).isEqualTo(200);

		// The initial access token was good for one registration.
		assertThat(new ClientRegistrationRequest(endpoint, metadata, initial).toHTTPRequest().send().getStatusCode())
			.isEqualTo(401);

		BearerAccessToken first = client.getRegistrationAccessToken();
		ClientInformationResponse read = ClientInformationResponse
			.parse(new ClientReadRequest(client.getRegistrationURI(), first).toHTTPRequest().send());
		assertThat(read.getClientInformation().getMetadata().getName()).isEqualTo("Nightly report");
		assertThat(read.getClientInformation().getMetadata().getLogoURI())
			.isEqualTo(URI.create("https://report.example/logo.png"));
		assertThat(read.getClientInformation().getSecret()).isNull();
		// RFC 7592 §3: each answer carries the registration access token; Lanyard hands
		// out a new one and the one used stops.
		BearerAccessToken management = read.getClientInformation().getRegistrationAccessToken();
		assertThat(management).isNotEqualTo(first);
		assertThat(new ClientReadRequest(client.getRegistrationURI(), first).toHTTPRequest().send().getStatusCode())
			.isEqualTo(401);

		ClientMetadata changed = client.getMetadata();
		changed.setName("Weekly report");
		HTTPResponse updated = new ClientUpdateRequest(client.getRegistrationURI(), client.getID(), management, changed,
				null)
			.toHTTPRequest()
			.send();
		assertThat(updated.getStatusCode()).as(updated.getBody()).isEqualTo(200);
		ClientInformation afterUpdate = ClientInformationResponse.parse(updated).getClientInformation();
		assertThat(afterUpdate.getMetadata().getName()).isEqualTo("Weekly report");
		management = afterUpdate.getRegistrationAccessToken();

		// Another client's token, or none, manages nothing.
		assertThat(
				new ClientReadRequest(client.getRegistrationURI(), new BearerAccessToken("lyra_nope")).toHTTPRequest()
					.send()
					.getStatusCode())
			.isEqualTo(401);

		assertThat(
				new ClientDeleteRequest(client.getRegistrationURI(), management).toHTTPRequest().send().getStatusCode())
			.isEqualTo(204);
		assertThat(flows.token(this.http, clientId, secret, Map.of("grant_type", "client_credentials")).statusCode())
			.isEqualTo(401);
		String audit = admin("GET", "/api/admin/audit?action=client.", null).body();
		assertThat(audit).contains("client.registered").contains("client:" + clientId).doesNotContain(secret);
		// The client's own update is audited with what it changed, as an administrator's.
		assertThat(org.springframework.jdbc.core.simple.JdbcClient.create(SharedLanyard.server().bean(DataSource.class))
			.sql("SELECT details->>'changed' FROM audit_events WHERE action = 'client.updated' AND target = ? "
					+ "AND details->>'dynamic' = 'true'")
			.param("client:" + clientId)
			.query(String.class)
			.list()).singleElement().asString().contains("client_name");
	}

	/** A client an administrator disabled cannot manage (re-enable) itself. */
	@Test
	void registrationWhenAdministratorDisablesTheClientThenItCannotManageItself() throws Exception {
		HttpResponse<String> registered = post(initialAccessToken(1),
				"{\"grant_types\":[\"client_credentials\"],\"scope\":\"profile\"}");
		Map<String, Object> client = TestBrowser.json(registered);
		String clientId = (String) client.get("client_id");
		HttpResponse<String> disabled = admin("PUT", "/api/admin/clients/" + clientId,
				"{\"grant_types\":[\"client_credentials\"],\"scope\":\"profile\",\"enabled\":false}");
		assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
		HttpRequest put = HttpRequest.newBuilder(URI.create((String) client.get("registration_client_uri")))
			.header("Authorization", "Bearer " + client.get("registration_access_token"))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"client_id\":\"" + clientId
					+ "\",\"grant_types\":[\"client_credentials\"],\"scope\":\"profile\"}"))
			.build();
		assertThat(this.http.send(put).statusCode()).isEqualTo(401);
		assertThat(flows
			.token(this.http, clientId, (String) client.get("client_secret"),
					Map.of("grant_type", "client_credentials"))
			.statusCode()).isEqualTo(401);
	}

	/**
	 * The same, when the administrator's change commits while the client's own update is
	 * under way (held here by a transaction of the test's that disables the client and
	 * commits once the update waits): the update is refused and the client stays
	 * disabled. It used to read the client before the change and write it back enabled
	 * after.
	 */
	@Test
	void registrationWhenDisabledWhileItsUpdateIsUnderWayThenStaysDisabled() throws Exception {
		Map<String, Object> client = TestBrowser
			.json(post(initialAccessToken(1), "{\"grant_types\":[\"client_credentials\"],\"scope\":\"profile\"}"));
		String clientId = (String) client.get("client_id");
		DataSource database = SharedLanyard.server().bean(DataSource.class);
		CompletableFuture<HttpResponse<String>> update;
		try (Connection administrator = database.getConnection()) {
			administrator.setAutoCommit(false);
			try (PreparedStatement disable = administrator
				.prepareStatement("UPDATE oauth_clients SET enabled = false WHERE client_id = ?")) {
				disable.setString(1, clientId);
				assertThat(disable.executeUpdate()).isEqualTo(1);
			}
			update = CompletableFuture.supplyAsync(() -> this.http.send(manage(client, "PUT", "{\"client_id\":\""
					+ clientId + "\",\"grant_types\":[\"client_credentials\"],\"scope\":\"profile\"}")));
			// The update reaches the client's row and waits for this transaction.
			TestBackends.awaitLockWaiters(database, 1);
			administrator.commit();
		}
		assertThat(update.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
		assertThat(enabled(database, clientId)).as("still disabled").isFalse();
	}

	/**
	 * RFC 7592 §3: a registration access token is good once (each answer carries the
	 * next). Two requests with it at once (held here until both wait): one is answered
	 * with the next token, the other refused. Both used to pass.
	 */
	@Test
	void registrationAccessTokenWhenUsedTwiceAtOnceThenOnceOnly() throws Exception {
		Map<String, Object> client = TestBrowser
			.json(post(initialAccessToken(1), "{\"grant_types\":[\"client_credentials\"],\"scope\":\"profile\"}"));
		DataSource database = SharedLanyard.server().bean(DataSource.class);
		List<CompletableFuture<HttpResponse<String>>> reads = new java.util.ArrayList<>();
		try (Connection holder = database.getConnection()) {
			holder.setAutoCommit(false);
			try (PreparedStatement lock = holder
				.prepareStatement("SELECT 1 FROM oauth_clients WHERE client_id = ? FOR UPDATE")) {
				lock.setString(1, (String) client.get("client_id"));
				assertThat(lock.executeQuery().next()).isTrue();
			}
			for (int i = 0; i < 2; i++) {
				reads.add(CompletableFuture.supplyAsync(() -> new TestBrowser().send(manage(client, "GET", null))));
			}
			TestBackends.awaitLockWaiters(database, 2);
			holder.commit();
		}
		List<Integer> statuses = new java.util.ArrayList<>();
		for (CompletableFuture<HttpResponse<String>> read : reads) {
			statuses.add(read.get(10, TimeUnit.SECONDS).statusCode());
		}
		assertThat(statuses).containsExactlyInAnyOrder(200, 401);
	}

	/**
	 * Requests that cannot take the answer use nothing up: a HEAD of the client (its
	 * answer would carry the next registration access token in a body HEAD does not
	 * have), and a registration or read whose Accept header names no JSON. Both used to
	 * commit first (the token rotated, the initial token used, the client registered) and
	 * lose the secrets the answer carried; an unknown token with such a header failed
	 * with a 500 and a stack trace in the log.
	 */
	@Test
	void registrationWhenTheAnswerCannotBeTakenThenNothingUsedUp() throws Exception {
		String initial = initialAccessToken(1);
		HttpResponse<String> html = this.http.send(HttpRequest.newBuilder(endpoint)
			.header("Content-Type", "application/json")
			.header("Accept", "text/html")
			.header("Authorization", "Bearer " + initial)
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"grant_types\":[\"client_credentials\"],\"scope\":\"profile\"}"))
			.build());
		assertThat(html.statusCode()).isEqualTo(406);
		HttpResponse<String> registered = post(initial,
				"{\"grant_types\":[\"client_credentials\"],\"scope\":\"profile\"}");
		assertThat(registered.statusCode()).as("the initial token's one use is still there").isEqualTo(201);
		Map<String, Object> client = TestBrowser.json(registered);

		HttpResponse<String> head = this.http.send(manage(client, "HEAD", null));
		assertThat(head.statusCode()).isEqualTo(405);
		assertThat(head.headers().firstValue("Allow")).hasValueSatisfying((allow) -> assertThat(allow).contains("GET"));
		HttpResponse<String> htmlRead = this.http
			.send(HttpRequest.newBuilder(manage(client, "GET", null), (name, value) -> true)
				.header("Accept", "text/html")
				.build());
		assertThat(htmlRead.statusCode()).isEqualTo(406);
		assertThat(this.http.send(manage(client, "GET", null)).statusCode()).as("the token still works").isEqualTo(200);

		HttpResponse<String> unknownAsHtml = this.http.send(HttpRequest.newBuilder(URI.create(endpoint + "/nobody"))
			.header("Accept", "text/html")
			.header("Authorization", "Bearer lyra_nope")
			.GET()
			.build());
		assertThat(unknownAsHtml.statusCode()).isIn(401, 406);
	}

	private static HttpRequest manage(Map<String, Object> client, String method, String json) {
		return HttpRequest.newBuilder(URI.create((String) client.get("registration_client_uri")))
			.header("Authorization", "Bearer " + client.get("registration_access_token"))
			.header("Content-Type", "application/json")
			.method(method,
					(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody())
			.build();
	}

	private static boolean enabled(DataSource database, String clientId) throws Exception {
		try (Connection connection = database.getConnection();
				PreparedStatement read = connection
					.prepareStatement("SELECT enabled FROM oauth_clients WHERE client_id = ?")) {
			read.setString(1, clientId);
			ResultSet row = read.executeQuery();
			assertThat(row.next()).isTrue();
			return row.getBoolean(1);
		}
	}

	/**
	 * RFC 9449 §5.2: {@code dpop_bound_access_tokens} is kept and answered, also to
	 * administrators; left out, it is false; once set, the client's update cannot drop
	 * it.
	 */
	@Test
	void registrationWhenDpopBoundAccessTokensThenKeptAndAnswered() throws Exception {
		String initial = initialAccessToken(2);
		HttpResponse<String> bound = post(initial,
				"{\"grant_types\":[\"client_credentials\"],\"scope\":\"profile\",\"dpop_bound_access_tokens\":true}");
		assertThat(bound.statusCode()).as(bound.body()).isEqualTo(201);
		Map<String, Object> client = TestBrowser.json(bound);
		assertThat(client.get("dpop_bound_access_tokens")).isEqualTo(true);
		HttpResponse<String> read = admin("GET", "/api/admin/clients/" + client.get("client_id"), null);
		assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
		assertThat(TestBrowser.json(read).get("dpop_bound_access_tokens")).isEqualTo(true);
		// The client's own update cannot drop it (an administrator may have set it).
		HttpResponse<String> dropped = this.http.send(manage(client, "PUT", "{\"client_id\":\""
				+ client.get("client_id") + "\",\"grant_types\":[\"client_credentials\"],\"scope\":\"profile\"}"));
		assertThat(dropped.statusCode()).as(dropped.body()).isEqualTo(200);
		assertThat(TestBrowser.json(dropped).get("dpop_bound_access_tokens")).isEqualTo(true);

		HttpResponse<String> unbound = post(initial,
				"{\"grant_types\":[\"client_credentials\"],\"scope\":\"profile\"}");
		assertThat(unbound.statusCode()).as(unbound.body()).isEqualTo(201);
		assertThat(TestBrowser.json(unbound).get("dpop_bound_access_tokens")).isEqualTo(false);
	}

	@Test
	void registrationWhenNoTokenOrBrokenMetadataThenRefusedAndTokenKept() throws Exception {
		String body = "{\"redirect_uris\":[\"https://app.example/cb\"],\"client_name\":\"Web\"}";
		assertThat(post(null, body).statusCode()).isEqualTo(401);
		// Nobody makes it read a large body: 413 before any token is looked at.
		assertThat(post("lyit_unknown", "{\"client_name\":\"" + "x".repeat(100_000) + "\"}").statusCode())
			.isEqualTo(413);
		assertThat(post("lyit_unknown", body).statusCode()).isEqualTo(401);

		String initial = initialAccessToken(1);
		HttpResponse<String> fragment = post(initial, "{\"redirect_uris\":[\"https://app.example/cb#x\"]}");
		assertThat(fragment.statusCode()).isEqualTo(400);
		assertThat(TestBrowser.json(fragment)).containsEntry("error", "invalid_redirect_uri");
		HttpResponse<String> notAList = post(initial, "{\"redirect_uris\":\"https://app.example/cb\"}");
		assertThat(TestBrowser.json(notAList)).containsEntry("error", "invalid_redirect_uri");
		for (String broken : List.of("{\"grant_types\":[\"urn:ietf:params:oauth:grant-type:token-exchange\"]}",
				"{\"grant_types\":[\"client_credentials\"],\"scope\":\"admin\"}",
				"{\"grant_types\":[\"client_credentials\"],\"scope\":\"payments.write\"}",
				"{\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks_uri\":\"https://10.0.0.1/jwks\","
						+ "\"grant_types\":[\"client_credentials\"]}",
				// 127.0.0.1 written as one number.
				"{\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks_uri\":\"https://2130706433/jwks\","
						+ "\"grant_types\":[\"client_credentials\"]}",
				"{\"redirect_uris\":[\"https://app.example/cb\"],\"client_name\":\"Corp\\u202Eelgoog\"}",
				"{\"redirect_uris\":[\"https://app.example/cb\"],"
						+ "\"backchannel_logout_uri\":\"http://127.0.0.1:15000/quitquitquit\"}",
				"{\"redirect_uris\":[\"https://app.example/cb\"],\"logo_uri\":\"http://127.0.0.1:8080/logo.png\"}",
				"{\"redirect_uris\":[\"https://app.example/cb\"],\"logo_uri\":\"https://192.168.1.10/logo.png\"}",
				"[1, 2]", "not json", "{\"redirect_uris\":[\"https://app.example/cb\"],\"response_types\":[\"token\"]}",
				"{\"redirect_uris\":[\"https://app.example/cb\"],\"client_name\":42}")) {
			HttpResponse<String> refused = post(initial, broken);
			assertThat(refused.statusCode()).as(broken).isEqualTo(400);
			assertThat(TestBrowser.json(refused)).as(broken).containsEntry("error", "invalid_client_metadata");
		}
		// Refusals used no registration: the token still registers one client, which
		// asks people for consent.
		HttpResponse<String> registered = post(initial, body);
		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		String clientId = (String) TestBrowser.json(registered).get("client_id");
		TestBrowser bob = new TestBrowser();
		assertThat(flows.signIn(bob, "bob", TestBootstrap.BOB_PASSWORD).statusCode()).isIn(302, 303);
		String consent = TestBrowser.location(bob.get(flows.authorizeUrl(
				OAuthFlows.codeRequest(clientId, "https://app.example/cb", "openid", "s", TestBrowser.Pkce.create()))));
		assertThat(consent).startsWith(flows.url("/oauth2/consent"));
	}

	private String initialAccessToken(int uses) {
		HttpResponse<String> created = admin("POST", "/api/admin/registration-tokens",
				"{\"description\":\"test\",\"uses\":" + uses + "}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		return (String) TestBrowser.json(created).get("token");
	}

	private HttpResponse<String> post(String token, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return this.http.send(request.build());
	}

	private HttpResponse<String> admin(String method, String path, String json) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(flows.url(path)))
			.header("Authorization", "Bearer " + adminToken)
			.header("Content-Type", "application/json");
		request.method(method,
				(json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		return this.http.send(request.build());
	}

}
