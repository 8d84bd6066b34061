package dev.lanyard.exchange.service;

import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

import dev.lanyard.exchange.ExchangeEvents;
import dev.lanyard.exchange.ExchangeResult;
import dev.lanyard.exchange.GatewayTokenExchanger;
import dev.lanyard.exchange.TokenExchangeClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the exchanger with its HTTP client and Micrometer metrics. */
@Configuration(proxyBeanMethods = false)
class ExchangeServiceConfiguration {

	/**
	 * With tracing on, each exchange carries the trace context of the request that needed
	 * it (W3C {@code traceparent}), so Lanyard's spans join the gateway's trace.
	 */
	@Bean
	TokenExchangeClient tokenExchangeClient(ExchangeServiceProperties properties, ObjectProvider<Tracer> tracers,
			ObjectProvider<Propagator> propagators) {
		Tracer tracer = tracers.getIfAvailable();
		Propagator propagator = propagators.getIfAvailable();
		Consumer<HttpRequest.Builder> traceContext = (request) -> {
			TraceContext current = (tracer != null) ? tracer.currentTraceContext().context() : null;
			if (current != null && propagator != null) {
				propagator.inject(current, request, HttpRequest.Builder::header);
			}
		};
		return new TokenExchangeClient(properties.issuer(), properties.clientId(), properties.clientSecret(),
				properties.audience(), properties.connectTimeout(), properties.requestTimeout(), traceContext);
	}

	/**
	 * Prometheus metrics only for the scraper holding the token (as the authorization
	 * server's).
	 */
	@Bean
	FilterRegistrationBean<MetricsScrapeFilter> metricsScrapeFilter(ExchangeServiceProperties properties) {
		FilterRegistrationBean<MetricsScrapeFilter> registration = new FilterRegistrationBean<>(
				new MetricsScrapeFilter(properties.metricsToken()));
		registration.addUrlPatterns("/actuator/prometheus", "/actuator/prometheus/*");
		return registration;
	}

	/**
	 * {@code revocations} in health: {@code DEGRADED} while the revocation channel (Redis
	 * or the HTTP stream) is not heard; metric {@code lanyard_gateway_revocations_heard}.
	 */
	@Bean
	HealthIndicator revocationsHealthIndicator(GatewayTokenExchanger exchanger, MeterRegistry meters) {
		Gauge.builder("lanyard.gateway.revocations.heard", exchanger, (e) -> e.revocationsHeard() ? 1 : 0)
			.description("Whether the revocation channel is being heard")
			.register(meters);
		Status degraded = new Status("DEGRADED", "Revocations not heard: cached JWTs are served for seconds only");
		return () -> exchanger.revocationsHeard() ? Health.up().build() : Health.status(degraded).build();
	}

	@Bean
	GatewayTokenExchanger gatewayTokenExchanger(TokenExchangeClient client, ExchangeServiceProperties properties,
			MeterRegistry meters) {
		return new GatewayTokenExchanger(client::exchange, properties.expiryMargin(), properties.rejectionTtl(),
				new MicrometerExchangeEvents(meters), Clock.systemUTC());
	}

	/**
	 * Metrics: {@code lanyard_gateway_cache_total{result=hit|miss}},
	 * {@code lanyard_gateway_evictions_total},
	 * {@code lanyard_gateway_exchange_seconds{outcome}}.
	 */
	static final class MicrometerExchangeEvents implements ExchangeEvents {

		private final Counter hits;

		private final Counter misses;

		private final Counter evictions;

		private final MeterRegistry meters;

		MicrometerExchangeEvents(MeterRegistry meters) {
			this.meters = meters;
			this.hits = Counter.builder("lanyard.gateway.cache").tag("result", "hit").register(meters);
			this.misses = Counter.builder("lanyard.gateway.cache").tag("result", "miss").register(meters);
			this.evictions = Counter.builder("lanyard.gateway.evictions").register(meters);
		}

		@Override
		public void cacheHit() {
			this.hits.increment();
		}

		@Override
		public void cacheMiss() {
			this.misses.increment();
		}

		@Override
		public void exchanged(ExchangeResult result, Duration took) {
			String outcome = (result instanceof ExchangeResult.Exchanged) ? "exchanged"
					: (result instanceof ExchangeResult.Rejected) ? "rejected" : "unavailable";
			Timer.builder("lanyard.gateway.exchange").tag("outcome", outcome).register(this.meters).record(took);
		}

		@Override
		public void evicted(int count) {
			this.evictions.increment(count);
		}

	}

}
