package dev.lanyard.server.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.TestBackends;
import dev.lanyard.server.TestBrowser;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run command's default: no database or Redis configured. Lanyard runs its own
 * PostgreSQL under the data directory and in-process stand-ins for Redis, generates a
 * development master key there, and a restart keeps every token.
 */
class EmbeddedDefaultTest {

	@Test
	void serverWhenNothingConfiguredThenEmbeddedStorageSurvivesRestart() throws Exception {
		Path data = TestBackends.tempDirectory("lanyard-embedded");
		Map<String, String> settings = new HashMap<>();
		settings.put("lanyard.data-directory", data.toString());
		settings.put("lanyard.bootstrap", LanyardTestServer.newDeployment().get("lanyard.bootstrap"));
		settings.put("lanyard.issuer", "http://localhost:1");
		settings.put("lanyard.shutdown.drain", "0s");
		String token;
		try (LanyardTestServer first = LanyardTestServer.start(settings)) {
			assertThat(first.bean(RedisMode.class).enabled()).isFalse();
			// Both start-up decisions switch auto-configurations off; neither undoes the
			// other.
			assertThat(first.hasBean(RedisConnectionFactory.class)).isFalse();
			assertThat(first.bean(Tracer.class)).isSameAs(Tracer.NOOP);
			OAuthFlows flows = new OAuthFlows(first.baseUrl());
			token = (String) TestBrowser.json(flows.token(new TestBrowser(), "service", TestBootstrap.SERVICE_SECRET,
					Map.of("grant_type", "client_credentials")))
				.get("access_token");
			assertThat(token).startsWith("lyat_");
			HttpCheck.loginWorks(flows);
		}
		assertThat(data.resolve("postgres").resolve("PG_VERSION")).exists();
		assertThat(Files.readString(data.resolve("master.key"))).hasSizeGreaterThanOrEqualTo(32);
		try (LanyardTestServer second = LanyardTestServer.start(settings)) {
			OAuthFlows flows = new OAuthFlows(second.baseUrl());
			assertThat(
					flows.introspect(new TestBrowser(), "service", TestBootstrap.SERVICE_SECRET, token).get("active"))
				.isEqualTo(true);
		}
	}

	private static final class HttpCheck {

		static void loginWorks(OAuthFlows flows) {
			TestBrowser browser = new TestBrowser();
			assertThat(TestBrowser.location(flows.signIn(browser, "alice", TestBootstrap.ALICE_PASSWORD)))
				.doesNotContain("error");
		}

	}

}
