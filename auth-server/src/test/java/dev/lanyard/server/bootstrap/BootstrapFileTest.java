package dev.lanyard.server.bootstrap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBrowser;
import dev.lanyard.server.authorization.HashedAuthorizationService;
import dev.lanyard.server.secondfactor.TestAuthenticatorApp;
import dev.lanyard.server.token.TokenHash;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.client.OAuthClient;
import dev.lanyard.server.user.JdbcUserAccountRepository;
import dev.lanyard.server.user.UserAccount;
import dev.lanyard.server.user.UserService;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bad bootstrap file stops start-up with a message naming the line and field. */
class BootstrapFileTest {

	@Test
	void readWhenWellFormedThenUsersAndClients() throws Exception {
		BootstrapFile file = BootstrapFile.read(write("""
				users:
				  - username: alice
				    password: "change-me"
				    email: alice@example.com
				    roles: [user, admin]
				    attributes: { tenant: acme }
				clients:
				  - client-id: gateway
				    client-secret: "gateway-secret-at-least-32-characters"
				    logo-uri: https://gateway.example/logo.svg
				    grant-types: ["urn:ietf:params:oauth:grant-type:token-exchange"]
				    exchange-audiences: [internal]
				    dpop-bound-access-tokens: true
				"""));
		assertThat(file.users()).singleElement().satisfies((user) -> {
			assertThat(user.username()).isEqualTo("alice");
			assertThat(user.roles()).containsExactly("user", "admin");
			assertThat(user.attributes()).isEqualTo(Map.of("tenant", "acme"));
		});
		assertThat(file.clients()).singleElement().satisfies((client) -> {
			assertThat(client.exchangeAudiences()).containsExactly("internal");
			assertThat(client.dpopBoundAccessTokens()).isTrue();
			assertThat(client.logoUri()).isEqualTo("https://gateway.example/logo.svg");
			assertThat(client.toString()).doesNotContain("secret-at-least");
		});
	}

	/**
	 * OA-54: a private_key_jwt client's keys written as YAML; a secret method without a
	 * secret is named at its line.
	 */
	@Test
	void readWhenClientKeysAsYamlThenJwkSetAndMethodRead() throws Exception {
		RSAKey key = new RSAKeyGenerator(2048).keyID("ci-1").generate().toPublicJWK();
		BootstrapFile file = BootstrapFile.read(write("""
				clients:
				  - client-id: ci-pipeline
				    token-endpoint-auth-method: private_key_jwt
				    grant-types: [client_credentials]
				    jwks:
				      keys:
				        - kty: RSA
				          kid: ci-1
				          use: sig
				          e: "%s"
				          n: "%s"
				""".formatted(key.getPublicExponent(), key.getModulus())));
		assertThat(file.clients()).singleElement().satisfies((client) -> {
			assertThat(client.tokenEndpointAuthMethod()).isEqualTo("private_key_jwt");
			assertThat(client.clientSecret()).isNull();
			assertThat(JWKSet.parse(client.jwks()).getKeyByKeyId("ci-1").toRSAKey().toRSAPublicKey())
				.isEqualTo(key.toRSAPublicKey());
		});
		assertThatThrownBy(() -> BootstrapFile.read(write("""
				clients:
				  - client-id: poster
				    token-endpoint-auth-method: client_secret_post
				    grant-types: [client_credentials]
				"""))).isInstanceOf(BootstrapFileException.class)
			.hasMessageContaining("line 3")
			.hasMessageContaining("clients[0].client-secret: is required for client_secret_post");
	}

	@Test
	void readWhenUnknownKeyThenLineAndField() throws Exception {
		assertThatThrownBy(() -> BootstrapFile.read(write("""
				users:
				  - username: alice
				    pasword: typo
				"""))).isInstanceOf(BootstrapFileException.class)
			.hasMessageContaining("line 3")
			.hasMessageContaining("users[0].pasword")
			.hasMessageContaining("unknown key");
	}

	@Test
	void readWhenRequiredFieldMissingOrWrongTypeThenLineAndField() throws Exception {
		assertThatThrownBy(() -> BootstrapFile.read(write("""
				clients:
				  - client-id: web
				    grant-types: [authorization_code]
				  - client-name: no id
				    grant-types: [client_credentials]
				"""))).hasMessageContaining("line 4")
			.hasMessageContaining("clients[1].client-id")
			.hasMessageContaining("is required");
		assertThatThrownBy(() -> BootstrapFile.read(write("""
				clients:
				  - client-id: web
				    grant-types: authorization_code
				"""))).hasMessageContaining("line 3")
			.hasMessageContaining("clients[0].grant-types")
			.hasMessageContaining("expected a list");
		assertThatThrownBy(() -> BootstrapFile.read(write("""
				users:
				  - username: [a, b]
				"""))).hasMessageContaining("line 2").hasMessageContaining("users[0].username");
	}

	@Test
	void readWhenNotYamlThenLine() throws Exception {
		assertThatThrownBy(() -> BootstrapFile.read(write("users:\n  - username: \"unterminated\n")))
			.isInstanceOf(BootstrapFileException.class)
			.hasMessageContaining("line")
			.hasMessageContaining("not valid YAML");
	}

	@Test
	void readWhenStandardClaimsInKebabCaseThenClaimNamesAndUnknownAddressPartRefused() throws Exception {
		BootstrapFile file = BootstrapFile.read(write("""
				users:
				  - username: zoe
				    password: "a-long-enough-password"
				    given-name: Zoë
				    email-verified: true
				    phone-number: "+32 9 000 00 00"
				    address: { street-address: "Veldstraat 1", postal-code: "9000" }
				"""));
		assertThat(file.users().get(0).claims()).containsExactly(Map.entry("given_name", "Zoë"),
				Map.entry("email_verified", "true"), Map.entry("phone_number", "+32 9 000 00 00"),
				Map.entry("address.street_address", "Veldstraat 1"), Map.entry("address.postal_code", "9000"));

		assertThatThrownBy(() -> BootstrapFile.read(write("""
				users:
				  - username: zoe
				    password: "a-long-enough-password"
				    address: { street: "Veldstraat 1" }
				"""))).hasMessageContaining("users[0].address.street").hasMessageContaining("unknown key");
	}

	@Test
	void readWhenTotpSecretThenBase32Of128BitsOrMore() throws Exception {
		BootstrapFile file = BootstrapFile.read(write("""
				users:
				  - username: zoe
				    password: "a-long-enough-password"
				    totp-secret: "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp"
				"""));
		assertThat(file.users().get(0).totpSecret()).hasSize(20);
		assertThat(file.users().get(0).mfaRequired()).isNull();
		assertThat(BootstrapFile.read(write("""
				users:
				  - username: zoe
				    password: "a-long-enough-password"
				    mfa-required: true
				""")).users().get(0).mfaRequired()).isTrue();
		for (String secret : new String[] { "JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXP!BSWY3DPEHPK3PX" }) {
			assertThatThrownBy(() -> BootstrapFile.read(write("""
					users:
					  - username: zoe
					    password: "a-long-enough-password"
					    totp-secret: "%s"
					""".formatted(secret)))).hasMessageContaining("users[0].totp-secret")
				.hasMessageContaining("128 bits")
				.hasMessageNotContaining(secret);
		}
	}

	/**
	 * A user brought from another provider with the authenticator app they have: signing
	 * in asks for its code, which the app computes from the imported secret.
	 */
	@Test
	void startWhenUserImportedWithTotpSecretThenSignInAsksForItsCode() throws Exception {
		Path file = write("""
				users:
				  - username: yves
				    password: "yves-password-from-the-old-provider"
				    totp-secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
				""");
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", file.toString());
		try (LanyardTestServer server = LanyardTestServer.start(deployment)) {
			TestBrowser browser = new TestBrowser();
			OAuthFlows flows = new OAuthFlows(server.baseUrl());
			assertThat(TestBrowser.location(flows.signIn(browser, "yves", "yves-password-from-the-old-provider")))
				.endsWith("/login/second-factor");
			TestAuthenticatorApp app = new TestAuthenticatorApp(new Base32().decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
					List.of());
			assertThat(TestBrowser.location(TestAuthenticatorApp.submitCode(browser, server.baseUrl(), app.nextCode())))
				.doesNotContain("second-factor");
			assertThat(browser.get(server.baseUrl() + "/account").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void startWhenUserClaimBreaksRuleThenStartupStopsNamingLineAndKey() throws Exception {
		Path file = write("""
				users:
				  - username: zoe
				    password: "a-long-enough-password-for-zoe"
				    birthdate: "1984-13-01"
				""");
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", file.toString());
		assertThatThrownBy(() -> LanyardTestServer.start(deployment).close()).isInstanceOf(BootstrapFileException.class)
			.hasMessageContaining("line 4")
			.hasMessageContaining("users[0].birthdate");
	}

	@Test
	void startWhenClientBreaksRuleThenStartupStopsNamingLineAndField() throws Exception {
		Path file = write("""
				clients:
				  - client-id: web
				    client-secret: "web-secret-that-is-at-least-32-characters"
				    grant-types: [authorization_code]
				    redirect-uris: ["https://app.example.com/cb#fragment"]
				""");
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.bootstrap", file.toString());
		assertThatThrownBy(() -> LanyardTestServer.start(deployment).close()).isInstanceOf(BootstrapFileException.class)
			.hasMessageContaining("line 5")
			.hasMessageContaining("clients[0].redirect-uris")
			.hasMessageContaining("must not contain a fragment");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void startWhenImportedAgainThenOnlyChangesAppliedAndDisabledUserLosesGrants(CapturedOutput output)
			throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.issuer", "http://localhost:1");
		String firstHash;
		String aliceToken = "lyat_" + TokenHash.of("alice" + System.nanoTime());
		String bobToken = "lyat_" + TokenHash.of("bob" + System.nanoTime());
		try (LanyardTestServer first = LanyardTestServer.start(deployment)) {
			JdbcUserAccountRepository users = first.bean(JdbcUserAccountRepository.class);
			firstHash = users.findByLoginName("alice").orElseThrow().passwordHash();
			grant(first, users.findByLoginName("alice").orElseThrow().id().toString(), aliceToken);
			grant(first, users.findByLoginName("bob").orElseThrow().id().toString(), bobToken);
		}
		Path original = Path.of(deployment.get("lanyard.bootstrap"));
		String bobDisabled = Files.readString(original)
			.replace("  - username: bob\n", "  - username: bob\n    enabled: false\n");
		assertThat(bobDisabled).contains("enabled: false");
		deployment.put("lanyard.bootstrap", write(bobDisabled).toString());

		int startOfSecond = output.getOut().length();
		try (LanyardTestServer second = LanyardTestServer.start(deployment)) {
			JdbcUserAccountRepository users = second.bean(JdbcUserAccountRepository.class);
			assertThat(users.findByLoginName("alice").orElseThrow().passwordHash()).isEqualTo(firstHash);
			assertThat(users.count()).isEqualTo(2);
			assertThat(second.bean(dev.lanyard.server.client.ClientService.class).findAll()).hasSize(7);
			// The restart says what it did: bob changed, nothing else did.
			assertThat(output.getOut().substring(startOfSecond))
				.contains("users 1 updated, 1 unchanged; clients 7 unchanged")
				.doesNotContain("UserDetailsService beans will not be used");
			// The audit log says whom the file changed and how: bob, his enabled flag.
			UUID bob = users.findByLoginName("bob").orElseThrow().id();
			assertThat(JdbcClient.create(second.bean(javax.sql.DataSource.class))
				.sql("SELECT details->>'changed' FROM audit_events WHERE action = 'user.updated_from_file' "
						+ "AND target = ?")
				.param("user:" + bob)
				.query(String.class)
				.list()).singleElement().asString().contains("enabled").doesNotContain("password");
			HashedAuthorizationService authorizations = second.bean(HashedAuthorizationService.class);
			assertThat(authorizations.findByToken(aliceToken, OAuth2TokenType.ACCESS_TOKEN).getAccessToken().isActive())
				.isTrue();
			assertThat(
					authorizations.findByToken(bobToken, OAuth2TokenType.ACCESS_TOKEN).getAccessToken().isInvalidated())
				.isTrue();
		}
	}

	/**
	 * Incident response in the console survives a restart: an entry the file still gives
	 * as when it was applied is not applied again (an account disabled, a client secret
	 * regenerated, a client deleted stay so); an entry changed in the file is applied,
	 * and its audit event names what it changed. (The file is imported again in the
	 * running node, as a restart would.)
	 */
	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void importWhenEntryUnchangedInFileThenConsoleChangesStandAndChangedEntryApplied(CapturedOutput output)
			throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		Path file = Path.of(deployment.get("lanyard.bootstrap"));
		try (LanyardTestServer server = LanyardTestServer.start(deployment)) {
			BootstrapImporter importer = server.bean(BootstrapImporter.class);
			UserService users = server.bean(UserService.class);
			ClientService clients = server.bean(ClientService.class);
			UserAccount bob = server.bean(JdbcUserAccountRepository.class).findByLoginName("bob").orElseThrow();
			users.update(bob.id(), bob.username(), bob.email(), false, bob.locked(), bob.roles(), bob.attributes(),
					null);
			String secretHash = clients.regenerateSecret("web-app").client().clientSecretHash();
			clients.delete("automation");

			int start = output.getOut().length();
			importer.importFile(file);
			assertThat(output.getOut().substring(start)).contains("users 2 unchanged; clients 7 unchanged");
			assertThat(users.get(bob.id()).enabled()).isFalse();
			assertThat(clients.findByClientId("web-app").orElseThrow().clientSecretHash()).isEqualTo(secretHash);
			assertThat(clients.findByClientId("automation")).isEmpty();

			// The same entries written otherwise (keys moved, quotes, flow style) are
			// the same entries.
			String yaml = Files.readString(file);
			Path rewritten = write(yaml.replace("    roles: [user]\n", "    roles:\n      - \"user\"\n")
				.replace("    scopes: [reports.read, reports.write]\n",
						"    scopes: [\"reports.read\", reports.write]\n"));
			assertThat(Files.readString(rewritten)).isNotEqualTo(yaml);
			start = output.getOut().length();
			importer.importFile(rewritten);
			assertThat(output.getOut().substring(start)).contains("users 2 unchanged; clients 7 unchanged");

			// Changed in the file: applied, and the audit log says what changed.
			Path changed = write(
					yaml.replace("    roles: [user]\n", "    roles: [user]\n    attributes: { tenant: globex }\n")
						.replace("    scopes: [openid, profile]\n", "    scopes: [openid]\n"));
			start = output.getOut().length();
			importer.importFile(changed);
			assertThat(output.getOut().substring(start))
				.contains("users 1 updated, 1 unchanged; clients 1 updated, 6 unchanged");
			UserAccount bobAfter = users.get(bob.id());
			assertThat(bobAfter.enabled()).isTrue();
			assertThat(bobAfter.attributes()).containsEntry("tenant", "globex");
			assertThat(clients.findByClientId("spa").orElseThrow().scopes()).containsExactly("openid");
			assertThat(clients.findByClientId("automation")).isEmpty();
			JdbcClient jdbc = JdbcClient.create(server.bean(javax.sql.DataSource.class));
			assertThat(jdbc
				.sql("SELECT details->>'changed' FROM audit_events WHERE action = 'user.updated_from_file' "
						+ "AND target = ?")
				.param("user:" + bob.id())
				.query(String.class)
				.list()).singleElement().asString().contains("enabled", "attributes").doesNotContain("password");
			assertThat(jdbc
				.sql("SELECT details->>'changed' FROM audit_events WHERE action = 'client.updated_from_file' "
						+ "AND target = 'client:spa'")
				.query(String.class)
				.list()).singleElement().asString().contains("scope").doesNotContain("redirect_uris");
			// What is remembered of an entry is a keyed digest, never its text.
			assertThat(jdbc.sql("SELECT count(*) FROM bootstrap_entries WHERE position(? in digest) > 0")
				.param("acme".getBytes(java.nio.charset.StandardCharsets.UTF_8))
				.query(Integer.class)
				.single()).isZero();

			// Taken out of the file, then given again as it was: a new entry, applied (it
			// was found "applied as it is" and skipped, and the deleted client never came
			// back).
			String automation = yaml.substring(yaml.indexOf("  - client-id: automation\n"),
					yaml.indexOf("  - client-id: admin-tool\n"));
			importer.importFile(write(yaml.replace(automation, "")));
			assertThat(jdbc.sql("SELECT count(*) FROM bootstrap_entries WHERE kind = 'client' AND name = 'automation'")
				.query(Integer.class)
				.single()).as("forgotten").isZero();
			start = output.getOut().length();
			importer.importFile(file);
			assertThat(output.getOut().substring(start)).contains("1 created");
			assertThat(clients.findByClientId("automation")).isPresent();
		}
	}

	/**
	 * A provider the file disables ends the sign-in sessions that came through it, as the
	 * console's and the API's disabling does: refused while it is off, they must not come
	 * back when the file enables it again. Sessions begun with the person's own
	 * credentials go on.
	 */
	@Test
	void importWhenEntryDisablesIdentityProviderThenSignInsThroughItEnd() throws Exception {
		try (LanyardTestServer server = LanyardTestServer.start(LanyardTestServer.newDeployment())) {
			BootstrapImporter importer = server.bean(BootstrapImporter.class);
			String yaml = """
					identity-providers:
					  - id: incident
					    display-name: "Incident"
					    issuer: https://login.incident.example
					    client-id: lanyard
					    client-secret: "incident-secret"
					    scopes: [openid]
					    create-users: true
					""";
			importer.importFile(write(yaml));
			UserAccount carol = server.bean(UserService.class)
				.provision("incident", "carol-incident", null, List.of("user"), Map.of(), Map.of());
			JdbcClient jdbc = JdbcClient.create(server.bean(javax.sql.DataSource.class));
			for (String[] session : new String[][] { { "through-incident", "incident" }, { "own", null } }) {
				jdbc.sql("""
						INSERT INTO sign_in_sessions (sid, user_id, signed_in_at, last_seen_at, identity_provider)
						VALUES (?, ?, now(), now(), ?)""").params(session[0], carol.id(), session[1]).update();
			}

			importer.importFile(write(yaml + "    enabled: false\n"));
			importer.importFile(write(yaml));

			assertThat(jdbc.sql("SELECT sid FROM sign_in_sessions WHERE user_id = ? AND ended_at IS NOT NULL")
				.param(carol.id())
				.query(String.class)
				.list()).containsExactly("through-incident");
		}
	}

	/**
	 * An account an identity provider's sign-in created has a username chosen upstream:
	 * an entry naming it stops the start rather than hand the outsider who chose the name
	 * the file's roles and password.
	 */
	@Test
	void importWhenEntryNamesAccountProvisionedUpstreamThenRefusedNamingLineAndNothingChanged() throws Exception {
		try (LanyardTestServer server = LanyardTestServer.start(LanyardTestServer.newDeployment())) {
			UserService users = server.bean(UserService.class);
			UserAccount carol = users.provision("corp", "carol", "carol@corp.example", List.of("user"), Map.of(),
					Map.of());
			Path file = write("""
					users:
					  - username: dave
					    password: "dave-password-that-is-long-enough"
					  - username: carol
					    password: "carol-password-that-is-long-enough"
					    roles: [user, admin]
					""");
			assertThatThrownBy(() -> server.bean(BootstrapImporter.class).importFile(file))
				.isInstanceOf(BootstrapFileException.class)
				.hasMessageContaining("line 4")
				.hasMessageContaining("users[1].username")
				.hasMessageContaining("identity provider");
			assertThat(users.get(carol.id()).roles()).containsExactly("user");
			assertThat(users.hasPassword(carol.id())).isFalse();
			assertThat(server.bean(JdbcUserAccountRepository.class).findByLoginName("dave")).isEmpty();

			// The same account as a node of a version before the mark created it (a
			// rolling upgrade): unmarked, linked at its creation by a provider that
			// creates accounts. Refused by the same rule.
			JdbcClient jdbc = JdbcClient.create(server.bean(javax.sql.DataSource.class));
			jdbc.sql("""
					INSERT INTO identity_providers (id, display_name, issuer, client_id, create_users)
					VALUES ('older', 'Older', 'https://older.example', 'lanyard', true)""").update();
			UserAccount erin = users.provision("older", "erin", "erin@older.example", List.of("user"), Map.of(),
					Map.of());
			jdbc.sql("UPDATE users SET provisioned_by = NULL WHERE id = ?").param(erin.id()).update();
			jdbc.sql("INSERT INTO federated_identities (provider_id, subject, user_id) VALUES ('older', 'e-1', ?)")
				.param(erin.id())
				.update();
			Path older = write("""
					users:
					  - username: erin
					    password: "erin-password-that-is-long-enough"
					    roles: [user, admin]
					""");
			assertThatThrownBy(() -> server.bean(BootstrapImporter.class).importFile(older))
				.isInstanceOf(BootstrapFileException.class)
				.hasMessageContaining("users[0].username")
				.hasMessageContaining("identity provider");
			assertThat(users.get(erin.id()).roles()).containsExactly("user");
		}
	}

	/**
	 * The file's word goes as far as the rules the console and the API keep: an entry
	 * that would turn a confidential client public (its secret left out: its users'
	 * refresh tokens would be redeemed with the client id alone) or take the role from
	 * the last administrator stops the import naming the entry, and changes nothing.
	 */
	@Test
	void importWhenEntryWouldTurnClientPublicOrWithdrawLastAdministratorThenRefusedNamingLine() throws Exception {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		Path file = Path.of(deployment.get("lanyard.bootstrap"));
		try (LanyardTestServer server = LanyardTestServer.start(deployment)) {
			BootstrapImporter importer = server.bean(BootstrapImporter.class);
			ClientService clients = server.bean(ClientService.class);
			UserService users = server.bean(UserService.class);
			String yaml = Files.readString(file);
			String secretHash = clients.findByClientId("web-app").orElseThrow().clientSecretHash();

			String withoutSecret = yaml.replaceFirst(
					"(  - client-id: web-app\n    client-name: Web App\n)    client-secret: \"[^\"]+\"\n", "$1");
			assertThat(withoutSecret).isNotEqualTo(yaml);
			assertThatThrownBy(() -> importer.importFile(write(withoutSecret)))
				.isInstanceOf(BootstrapFileException.class)
				.hasMessageContaining("clients[0].token-endpoint-auth-method")
				.hasMessageContaining("cannot change");
			OAuthClient webApp = clients.findByClientId("web-app").orElseThrow();
			assertThat(webApp.isPublic()).isFalse();
			assertThat(webApp.clientSecretHash()).isEqualTo(secretHash);

			String aliceNoAdmin = yaml.replace("    roles: [user, admin]\n", "    roles: [user]\n");
			assertThat(aliceNoAdmin).isNotEqualTo(yaml);
			assertThatThrownBy(() -> importer.importFile(write(aliceNoAdmin)))
				.isInstanceOf(BootstrapFileException.class)
				.hasMessageContaining("line 5")
				.hasMessageContaining("users[0].roles");
			UserAccount alice = server.bean(JdbcUserAccountRepository.class).findByLoginName("alice").orElseThrow();
			assertThat(users.get(alice.id()).roles()).contains("admin");

			// The role moving from one entry to a later one, in one edit: applied (the
			// rule holds for the file as a whole, not entry by entry).
			int bobAt = aliceNoAdmin.indexOf("  - username: bob\n");
			String moved = aliceNoAdmin.substring(0, bobAt) + aliceNoAdmin.substring(bobAt)
				.replaceFirst("    roles: \\[user\\]\n", "    roles: [user, admin]\n");
			assertThat(moved).contains("roles: [user, admin]");
			importer.importFile(write(moved));
			UserAccount bob = server.bean(JdbcUserAccountRepository.class).findByLoginName("bob").orElseThrow();
			assertThat(users.get(bob.id()).roles()).contains("admin");
			assertThat(users.get(alice.id()).roles()).doesNotContain("admin");
		}
	}

	private static void grant(LanyardTestServer server, String principalName, String accessToken) {
		Instant now = Instant.now();
		server.bean(HashedAuthorizationService.class)
			.save(OAuth2Authorization
				.withRegisteredClient(server.bean(RegisteredClientRepository.class).findByClientId("web-app"))
				.principalName(principalName)
				.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
				.authorizedScopes(Set.of("openid"))
				.accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, accessToken, now,
						now.plusSeconds(600), Set.of("openid")))
				.build());
	}

	private static Path write(String yaml) throws Exception {
		Path file = Files.createTempFile("bootstrap", ".yaml");
		Files.writeString(file, yaml);
		return file;
	}

}
