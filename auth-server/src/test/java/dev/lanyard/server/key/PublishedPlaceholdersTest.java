package dev.lanyard.server.key;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.lanyard.server.LanyardProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The repository's example secrets are public: a node others reach does not start with
 * one; a trial on this machine (the compose file's issuer is localhost) does, warned.
 */
class PublishedPlaceholdersTest {

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

	private static LanyardProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("lanyard",
				LanyardProperties.class);
	}

}
