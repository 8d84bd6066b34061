package dev.lanyard.exchange.service;

import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service as its {@code main} starts it: no tracer while traces are not exported, the
 * real one when they are.
 */
class TokenExchangeServiceTracingTest {

	private static final String[] SETTINGS = { "--server.port=0", "--lanyard.exchange.issuer=http://127.0.0.1:9",
			"--lanyard.exchange.client-id=gateway", "--lanyard.exchange.client-secret=gateway-secret",
			"--spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" };

	@Test
	void startWhenTracesNotExportedThenNoTracerAndOwnExclusionsKept() {
		try (ConfigurableApplicationContext context = TokenExchangeServiceApplication.application().run(SETTINGS)) {
			assertThat(context.getBean(Tracer.class)).isSameAs(Tracer.NOOP);
			assertThat(
					context.getBeanNamesForType(org.springframework.data.redis.connection.RedisConnectionFactory.class))
				.isEmpty();
		}
	}

	@Test
	void startWhenTracesExportedThenTracer() {
		String[] settings = java.util.stream.Stream
			.concat(java.util.Arrays.stream(SETTINGS), java.util.stream.Stream.of("--LANYARD_TRACING_ENABLED=true"))
			.toArray(String[]::new);
		try (ConfigurableApplicationContext context = TokenExchangeServiceApplication.application().run(settings)) {
			assertThat(context.getBean(Tracer.class)).isNotSameAs(Tracer.NOOP);
		}
	}

}
