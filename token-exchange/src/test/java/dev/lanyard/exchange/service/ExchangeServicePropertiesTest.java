package dev.lanyard.exchange.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The exchange service's settings: the gateway's secrets the repository publishes are
 * refused by a gateway others reach, and a scrape token must be long enough.
 */
class ExchangeServicePropertiesTest {

	private static final String OWN_SECRET = "a-random-secret-of-our-own-0123456789abcdef";

	@Test
	void bindWhenExampleSecretAndGatewayNotOnThisMachineThenRefusedNamingTheSetting() throws Exception {
		for (String example : publishedSecrets()) {
			for (String setting : new String[] { "client-secret", "metrics-token" }) {
				Map<String, String> secrets = new HashMap<>(Map.of("client-secret", OWN_SECRET));
				secrets.put(setting, example);
				String refusal = (setting.equals("client-secret") ? "EXCHANGE_CLIENT_SECRET" : "EXCHANGE_METRICS_TOKEN")
						+ " is an example value published with Lanyard";
				assertThatThrownBy(() -> bind(secrets, "http://lanyard-auth-server:9000", "https://api.example.com"))
					.as(example)
					.isInstanceOf(BindException.class)
					.hasStackTraceContaining(refusal);
				// Lanyard beside it on this machine, the gateway public: no trial.
				assertThatThrownBy(() -> bind(secrets, "http://localhost:9000", "https://api.example.com"))
					.hasStackTraceContaining(refusal);
				assertThatThrownBy(() -> bind(secrets, "http://lanyard-auth-server:9000", null))
					.hasStackTraceContaining(refusal);
				// A trial: the compose file (its gateway on localhost), the README's
				// recipe
				// (Lanyard on localhost).
				assertThat(bind(secrets, "http://auth-server:9000", "http://localhost:8080")).isNotNull();
				assertThat(bind(secrets, "http://localhost:9000", null)).isNotNull();
			}
		}
		assertThat(bind(Map.of("client-secret", OWN_SECRET, "metrics-token", OWN_SECRET),
				"http://lanyard-auth-server:9000", null))
			.isNotNull();
	}

	@Test
	void bindWhenMetricsTokenShortThenRefused() {
		assertThatThrownBy(() -> bind(Map.of("client-secret", OWN_SECRET, "metrics-token", "short-token"),
				"http://localhost:9000", null))
			.isInstanceOf(BindException.class)
			.hasStackTraceContaining("EXCHANGE_METRICS_TOKEN must be at least 32 characters");
	}

	/**
	 * The gateway's client secret and scrape token wherever the repository's examples
	 * give them; each must be in the published list (it cannot fall behind the files).
	 */
	private static Set<String> publishedSecrets() throws Exception {
		Pattern secret = Pattern.compile("(?m)(?:EXCHANGE_CLIENT_SECRET|EXCHANGE_METRICS_TOKEN)[:=] *\"?([^\"\\s\\\\]+)"
				+ "|^\\s*(?:gateway-secret|metrics-token): *\"?([^\"\\s]+)");
		Set<String> published = new TreeSet<>();
		for (String file : new String[] { "README.md", "docker/compose.yaml", "docker/k8s/secrets.example.yaml" }) {
			Matcher found = secret.matcher(Files.readString(Path.of("..").resolve(file)));
			while (found.find()) {
				String value = (found.group(1) != null) ? found.group(1) : found.group(2);
				if (!value.startsWith("$") && !value.startsWith("`") && !value.startsWith("(")) {
					published.add(value);
				}
			}
		}
		assertThat(published).contains("gateway-secret-at-least-32-characters",
				"change-this-exchange-metrics-token-to-a-random-secret",
				"replace-me-with-at-least-32-random-characters");
		assertThat(ExchangeServiceProperties.PUBLISHED_EXAMPLE_SECRETS).containsAll(published);
		return published;
	}

	private static ExchangeServiceProperties bind(Map<String, String> secrets, String issuer, String publicOrigins) {
		Map<String, String> settings = new HashMap<>();
		settings.put("lanyard.exchange.issuer", issuer);
		settings.put("lanyard.exchange.client-id", "gateway");
		secrets.forEach((key, value) -> settings.put("lanyard.exchange." + key, value));
		if (publicOrigins != null) {
			settings.put("lanyard.exchange.public-origins", publicOrigins);
		}
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("lanyard.exchange",
				ExchangeServiceProperties.class);
	}

}
