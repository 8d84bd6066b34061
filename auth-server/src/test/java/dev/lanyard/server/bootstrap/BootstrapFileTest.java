package dev.lanyard.server.bootstrap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import org.junit.jupiter.api.Test;

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
				    grant-types: ["urn:ietf:params:oauth:grant-type:token-exchange"]
				    exchange-audiences: [internal]
				"""));
		assertThat(file.users()).singleElement().satisfies((user) -> {
			assertThat(user.username()).isEqualTo("alice");
			assertThat(user.roles()).containsExactly("user", "admin");
			assertThat(user.attributes()).isEqualTo(Map.of("tenant", "acme"));
		});
		assertThat(file.clients()).singleElement().satisfies((client) -> {
			assertThat(client.exchangeAudiences()).containsExactly("internal");
			assertThat(client.toString()).doesNotContain("secret-at-least");
		});
	}

	@Test
	void readWhenUnknownKeyThenLineAndField() throws Exception {
		assertThatThrownBy(() -> BootstrapFile.read(write("""
				users:
				  - username: alice
				    pasword: typo
				""")))
			.isInstanceOf(BootstrapFileException.class)
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
				""")))
			.hasMessageContaining("line 4")
			.hasMessageContaining("clients[1].client-id")
			.hasMessageContaining("is required");
		assertThatThrownBy(() -> BootstrapFile.read(write("""
				clients:
				  - client-id: web
				    grant-types: authorization_code
				""")))
			.hasMessageContaining("line 3")
			.hasMessageContaining("clients[0].grant-types")
			.hasMessageContaining("expected a list");
		assertThatThrownBy(() -> BootstrapFile.read(write("""
				users:
				  - username: [a, b]
				""")))
			.hasMessageContaining("line 2")
			.hasMessageContaining("users[0].username");
	}

	@Test
	void readWhenNotYamlThenLine() throws Exception {
		assertThatThrownBy(() -> BootstrapFile.read(write("users:\n  - username: \"unterminated\n")))
			.isInstanceOf(BootstrapFileException.class)
			.hasMessageContaining("line")
			.hasMessageContaining("not valid YAML");
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
		assertThatThrownBy(() -> LanyardTestServer.start(deployment).close())
			.isInstanceOf(BootstrapFileException.class)
			.hasMessageContaining("line 5")
			.hasMessageContaining("clients[0].redirect-uris")
			.hasMessageContaining("must not contain a fragment");
	}

	@Test
	void startWhenImportedTwiceThenNothingChanges() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.issuer", "http://localhost:1");
		String firstHash;
		try (LanyardTestServer first = LanyardTestServer.start(deployment)) {
			firstHash = first.bean(dev.lanyard.server.user.JdbcUserAccountRepository.class)
				.findByUsername("alice")
				.orElseThrow()
				.passwordHash();
		}
		try (LanyardTestServer second = LanyardTestServer.start(deployment)) {
			var users = second.bean(dev.lanyard.server.user.JdbcUserAccountRepository.class);
			assertThat(users.findByUsername("alice").orElseThrow().passwordHash()).isEqualTo(firstHash);
			assertThat(users.count()).isEqualTo(2);
			assertThat(second.bean(dev.lanyard.server.client.ClientService.class).findAll()).hasSize(7);
		}
	}

	private static Path write(String yaml) throws Exception {
		Path file = Files.createTempFile("bootstrap", ".yaml");
		Files.writeString(file, yaml);
		return file;
	}

}
