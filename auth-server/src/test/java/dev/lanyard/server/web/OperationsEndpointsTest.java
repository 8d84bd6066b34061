package dev.lanyard.server.web;

import java.net.http.HttpResponse;
import java.util.Map;

import dev.lanyard.server.LanyardTestServer.TestBootstrap;
import dev.lanyard.server.OAuthFlows;
import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Health probes (database and Redis in readiness) and Prometheus metrics. */
class OperationsEndpointsTest {

	private final OAuthFlows flows = SharedLanyard.flows();

	private final TestBrowser client = new TestBrowser();

	@Test
	void healthWhenBackendsUpThenUpAndNoDetails() {
		for (String path : new String[] { "/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness" }) {
			HttpResponse<String> response = this.client.get(this.flows.url(path));
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(TestBrowser.json(response)).as(path).containsEntry("status", "UP");
			assertThat(response.body()).doesNotContain("postgres").doesNotContain("jdbc");
		}
	}

	@Test
	void prometheusWhenTokensIssuedAndLoginsThenCounted() {
		this.flows.token(this.client, "service", TestBootstrap.SERVICE_SECRET, Map.of("grant_type", "client_credentials"));
		this.flows.signIn(new TestBrowser(), "bob", TestBootstrap.BOB_PASSWORD);
		String metrics = this.client.get(this.flows.url("/actuator/prometheus")).body();
		assertThat(metrics).containsPattern("lanyard_tokens_issued_total\\{[^}]*grant=\"client_credentials\"[^}]*\\} [1-9]");
		assertThat(metrics).containsPattern("lanyard_logins_total\\{[^}]*outcome=\"succeeded\"[^}]*\\} [1-9]");
	}

	@Test
	void otherActuatorEndpointsWhenRequestedThenClosed() {
		for (String path : new String[] { "/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator" }) {
			HttpResponse<String> response = this.client.get(this.flows.url(path));
			assertThat(response.statusCode()).as(path).isIn(401, 403, 404);
			assertThat(response.body()).doesNotContain("master-key").doesNotContain("jdbc:").doesNotContain("MASTER_KEY");
		}
	}

}
