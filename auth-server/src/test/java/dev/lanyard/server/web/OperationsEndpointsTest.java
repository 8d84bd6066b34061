package dev.lanyard.server.web;

import java.net.http.HttpResponse;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer;
import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.RawHttp;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Health probes (database and Redis in readiness) and Prometheus metrics. */
class OperationsEndpointsTest {

	private final OAuthFlows flows = SharedLanyard.flows();

	private final TestBrowser client = new TestBrowser();

	@Test
	void healthWhenBackendsUpThenUpAndNoDetails() {
		for (String path : new String[] { "/actuator/health", "/actuator/health/readiness",
				"/actuator/health/liveness" }) {
			HttpResponse<String> response = this.client.get(this.flows.url(path));
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(TestBrowser.json(response)).as(path).containsEntry("status", "UP");
			assertThat(response.body()).doesNotContain("postgres").doesNotContain("jdbc");
		}
	}

	@Test
	void prometheusWhenTokensIssuedAndLoginsThenCounted() {
		this.flows.token(this.client, "service", TestBootstrap.SERVICE_SECRET,
				Map.of("grant_type", "client_credentials"));
		this.flows.signIn(new TestBrowser(), "bob", TestBootstrap.BOB_PASSWORD);
		String metrics = this.client
			.get(this.flows.url("/actuator/prometheus"), "Authorization", "Bearer " + LanyardTestServer.METRICS_TOKEN)
			.body();
		assertThat(metrics)
			.containsPattern("lanyard_tokens_issued_total\\{[^}]*grant=\"client_credentials\"[^}]*\\} [1-9]");
		assertThat(metrics).containsPattern("lanyard_logins_total\\{[^}]*outcome=\"succeeded\"[^}]*\\} [1-9]");
	}

	/**
	 * Traces off (the default): no tracer opens spans on requests nobody exports, and no
	 * gauge of requests in flight is looked up on each one; the request timer stays, and
	 * names the endpoints filters answer (the alert rules select
	 * {@code uri="/oauth2/token"}) without a tag value per requested path.
	 */
	@Test
	void observationsWhenTracesNotExportedThenNoTracerAndRequestsStillTimed() {
		this.flows.token(this.client, "service", TestBootstrap.SERVICE_SECRET,
				Map.of("grant_type", "client_credentials"));
		this.client.get(this.flows.url("/oauth2/token-not-an-endpoint"));
		assertThat(SharedLanyard.server().bean(Tracer.class)).isSameAs(Tracer.NOOP);
		String metrics = this.client
			.get(this.flows.url("/actuator/prometheus"), "Authorization", "Bearer " + LanyardTestServer.METRICS_TOKEN)
			.body();
		assertThat(metrics)
			.containsPattern("http_server_requests_seconds_count\\{[^}]*uri=\"/oauth2/token\"[^}]*\\} [1-9]");
		assertThat(metrics).doesNotContain("http_server_requests_active").doesNotContain("token-not-an-endpoint");
	}

	/** HD-11: metrics are for the scraper holding the token, no one else. */
	@Test
	void hd11PrometheusWhenNoOrWrongScrapeTokenThen401() {
		for (String[] headers : new String[][] { {}, { "Authorization", "Bearer wrong-token" },
				{ "Authorization", "Basic " + LanyardTestServer.METRICS_TOKEN },
				{ "Authorization", "Bearer " + LanyardTestServer.METRICS_TOKEN + "x" } }) {
			HttpResponse<String> response = this.client.get(this.flows.url("/actuator/prometheus"), headers);
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
			assertThat(response.body()).doesNotContain("lanyard_");
		}
	}

	/**
	 * HD-11: what the container refuses before Lanyard sees the request carries Lanyard's
	 * security headers and no server details.
	 */
	@Test
	void hd11ContainerErrorWhenRequestMalformedThenSecurityHeadersAndNoServerDetails() throws Exception {
		int port = SharedLanyard.server().port();
		for (String raw : new String[] { "GET /a%zz HTTP/1.1\r\nHost: localhost\r\n\r\n",
				"GET /%2e%2e/x HTTP/1.1\r\nHost: localhost\r\n\r\n", "GARBAGE\r\n\r\n",
				"GET / HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n" }) {
			String answer = RawHttp.exchange(port, raw);
			assertThat(answer).as(raw).startsWith("HTTP/1.1 400");
			String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
			assertThat(head).as(raw)
				.contains("content-security-policy: default-src 'self'")
				.contains("x-frame-options: deny")
				.contains("x-content-type-options: nosniff")
				.contains("referrer-policy: no-referrer")
				.contains("strict-transport-security: max-age=31536000")
				.doesNotContain("server:");
			assertThat(answer).doesNotContain("Tomcat").doesNotContain("<html").doesNotContain("Exception");
		}
	}

	@Test
	void otherActuatorEndpointsWhenRequestedThenClosed() {
		for (String path : new String[] { "/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator" }) {
			HttpResponse<String> response = this.client.get(this.flows.url(path));
			assertThat(response.statusCode()).as(path).isIn(401, 403, 404);
			assertThat(response.body()).doesNotContain("master-key")
				.doesNotContain("jdbc:")
				.doesNotContain("MASTER_KEY");
		}
	}

}
