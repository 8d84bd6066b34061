package dev.lanyard.server.key;

import java.util.Map;

import dev.lanyard.server.LanyardProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped key settings, bound as a node with nothing set binds them. */
class KeyDefaultsTest {

	/**
	 * A key made while a node is cut off from PostgreSQL is missing from that node's JWKS
	 * for up to {@link SigningKeyService#CACHE_TTL}, and a verifier may cache that JWKS
	 * for the whole max-age: the default publication period covers both, with room for
	 * clocks that differ (330 s left none).
	 */
	@Test
	void publicationPeriodWhenShippedThenCoversTheMaxAgeAndACutOffNodesSnapshot() {
		LanyardProperties.Keys keys = new Binder(new MapConfigurationPropertySource(Map.of()))
			.bindOrCreate("lanyard.keys", LanyardProperties.Keys.class);
		assertThat(keys.publicationPeriod())
			.isGreaterThanOrEqualTo(keys.jwksMaxAge().plus(SigningKeyService.CACHE_TTL).plusSeconds(30));
	}

}
