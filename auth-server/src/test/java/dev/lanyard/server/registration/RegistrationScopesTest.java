package dev.lanyard.server.registration;

import java.util.Map;

import dev.lanyard.server.LanyardProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The scopes dynamically registered clients may ask for never include {@code admin},
 * whatever the configuration says: the node does not start with it.
 */
class RegistrationScopesTest {

	@Test
	void scopesWhenConfiguredWithAdminThenBindingRefusedNamingTheSetting() {
		assertThatThrownBy(() -> bind(Map.of("lanyard.registration.scopes", "openid,admin")))
			.isInstanceOf(BindException.class)
			.hasStackTraceContaining("lanyard.registration.scopes must not name the admin scope");
		assertThat(bind(Map.of("lanyard.registration.scopes", "openid,reports.read")).scopes())
			.containsExactly("openid", "reports.read");
		assertThat(bind(Map.of()).scopes()).doesNotContain("admin").contains("openid");
	}

	private static LanyardProperties.Registration bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("lanyard.registration",
				LanyardProperties.Registration.class);
	}

}
