package dev.lanyard.server.web;

import java.util.List;
import java.util.Map;

import dev.lanyard.server.AutoConfigurationExclusions;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With traces not exported ({@code LANYARD_TRACING_ENABLED} unset or false, the default),
 * no tracer is made at all. Spring Boot's {@code management.tracing.export.enabled} only
 * stops the exporter: the tracer would still open a span, a scope and a log-correlation
 * context on every request, none of which anyone reads (about a tenth of the CPU of a
 * discovery request, {@code bench/run.sh}). Micrometer's no-op tracer takes its place,
 * and {@code http.server.requests} still times every request.
 */
public class TracingEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private static final List<String> TRACING_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
			"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getProperty("management.tracing.export.enabled", Boolean.class, true)) {
			return;
		}
		environment.getPropertySources()
			.addFirst(new MapPropertySource("lanyardTracingOff", Map.of(AutoConfigurationExclusions.PROPERTY,
					AutoConfigurationExclusions.with(environment, TRACING_AUTO_CONFIGURATIONS))));
	}

}
