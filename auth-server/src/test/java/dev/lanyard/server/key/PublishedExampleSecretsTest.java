package dev.lanyard.server.key;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The repository's example secrets are public: a node others reach does not start with
 * one (master key, metrics token, a bootstrap file's passwords and client secrets, the
 * first administrator's password); a trial on this machine (the compose file's issuer is
 * localhost) does, warned.
 */
class PublishedExampleSecretsTest {

	@Test
	void bindWhenExampleSecretAndIssuerElsewhereThenRefusedNamingTheSetting() throws Exception {
		for (String file : new String[] { "docker/compose.yaml", "docker/k8s/secrets.example.yaml" }) {
			String text = Files.readString(Path.of("..").resolve(file));
			for (String[] setting : new String[][] { { "(?:LANYARD_MASTER_KEY|master-key)", "lanyard.master-key" },
					{ "(?:LANYARD_METRICS_TOKEN|metrics-token)", "lanyard.metrics-token" } }) {
				Matcher example = Pattern.compile(setting[0] + ": (\\S+)").matcher(text);
				assertThat(example.find()).as("%s names %s", file, setting[1]).isTrue();
				assertThatThrownBy(
						() -> bind(Map.of("lanyard.issuer", "https://auth.example.com", setting[1], example.group(1))))
					.isInstanceOf(BindException.class)
					.hasStackTraceContaining("is an example value published with Lanyard");
				assertThat(bind(Map.of("lanyard.issuer", "http://localhost:9000", setting[1], example.group(1))))
					.isNotNull();
			}
		}
		assertThat(bind(Map.of("lanyard.issuer", "https://auth.example.com", "lanyard.master-key",
				"a-random-secret-of-our-own-0123456789abcdef")))
			.isNotNull();
	}

	/**
	 * Every password, client secret, master key and metrics token the repository's
	 * examples publish is one the node knows as published (the list cannot fall behind
	 * the files).
	 */
	@Test
	void examplesWhenReadThenEverySecretTheyPublishIsKnownAsPublished() throws Exception {
		// A YAML key at a line's start, a compose variable, the README's shell line.
		Pattern secret = Pattern
			.compile("(?m)^\\s*(?:- )?(?:password|client-secret|master-key|metrics-token|gateway-secret"
					+ "|LANYARD_MASTER_KEY|LANYARD_METRICS_TOKEN): *\"?([^\"\\s#][^\"#\\n]*?)\"?\\s*(?:#.*)?$"
					+ "|LANYARD_BOOTSTRAP_ADMIN_PASSWORD='([^']+)'");
		Set<String> published = new TreeSet<>();
		for (String file : new String[] { "README.md", "docker/compose.yaml", "docker/k8s/secrets.example.yaml",
				"docker/bootstrap.yaml", "docs/bootstrap-example.yaml", "docs/client-quickstart.md",
				"bench/bootstrap.yaml" }) {
			Matcher found = secret.matcher(Files.readString(Path.of("..").resolve(file)));
			while (found.find()) {
				String value = ((found.group(1) != null) ? found.group(1) : found.group(2)).strip();
				// Elisions and references, not values.
				if (!value.equals("…") && !value.startsWith("$") && !value.startsWith("{")) {
					published.add(value);
				}
			}
		}
		assertThat(published).contains("alice-wonderland-2026", "gateway-secret-at-least-32-characters",
				"change-this-master-key-to-a-long-random-secret", "a long passphrase of yours");
		assertThat(LanyardProperties.PUBLISHED_EXAMPLE_SECRETS).containsAll(published);
	}

	/**
	 * The compose file's bootstrap file on a node others reach: anyone could sign in as
	 * its administrator (and enrol their own second factor) or use its clients.
	 */
	@Test
	void startWhenBootstrapFileHoldsExampleSecretsAndIssuerElsewhereThenStopsNamingTheLine() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.issuer", "https://auth.example.com");
		deployment.put("lanyard.bootstrap", Path.of("..", "docker", "bootstrap.yaml").toAbsolutePath().toString());

		assertThatThrownBy(() -> LanyardTestServer.start(deployment).close())
			.hasStackTraceContaining("bootstrap.yaml line 4, users[0].password: an example value published with "
					+ "Lanyard, and LANYARD_ISSUER (https://auth.example.com) is not on this machine");
	}

	/**
	 * The same rule for a client registered through the console or the admin API (its
	 * secret copied from the README): refused by name on a node others reach, and nothing
	 * registered.
	 */
	@Test
	void registerWhenClientSecretIsAnExampleAndIssuerElsewhereThenRefused() {
		Map<String, String> deployment = LanyardTestServer.newDeployment();
		deployment.put("lanyard.issuer", "https://auth.example.com");
		try (LanyardTestServer server = LanyardTestServer.start(deployment)) {
			ClientService clients = server.bean(ClientService.class);
			assertThatThrownBy(
					() -> clients.register(machine("copied-from-readme", "gateway-secret-at-least-32-characters")))
				.isInstanceOfSatisfying(InputRejectedException.class,
						(refused) -> assertThat(refused.problems()).extracting(InputRejectedException.Problem::code)
							.containsExactly("client-secret.published-example"));
			assertThat(clients.findByClientId("copied-from-readme")).isEmpty();
			assertThat(clients.register(machine("own-secret", "a-secret-of-this-deployment-0123456789")).client())
				.isNotNull();
		}
	}

	private static ClientRegistration machine(String clientId, String secret) {
		return new ClientRegistration(clientId, null, null, false, secret, null, null, null, List.of(), List.of(),
				Set.of("client_credentials"), Set.of("reports.read"), null, null, null, null, null, List.of(), null,
				null, null, null, null, null, true);
	}

	/** The settings as text never show the master key or the scrape token. */
	@Test
	void settingsWhenWrittenOutThenSecretsMasked() {
		LanyardProperties settings = bind(Map.of("lanyard.master-key", "a-master-key-of-this-deployment-0123456789",
				"lanyard.metrics-token", "a-scrape-token-of-this-deployment-0123456789"));
		assertThat(settings.toString()).contains("masterKey=***", "metricsToken=***", "issuer=http://localhost:9000")
			.doesNotContain("a-master-key-of-this-deployment", "a-scrape-token-of-this-deployment");
	}

	private static LanyardProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("lanyard",
				LanyardProperties.class);
	}

}
