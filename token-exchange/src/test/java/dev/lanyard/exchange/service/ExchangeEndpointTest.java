package dev.lanyard.exchange.service;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The exchange endpoint NGINX asks, over real HTTP, with Lanyard unreachable. */
class ExchangeEndpointTest {

	private static final String[] SETTINGS = { "--server.port=0", "--lanyard.exchange.issuer=http://127.0.0.1:9",
			"--lanyard.exchange.client-id=gateway", "--lanyard.exchange.client-secret=gateway-secret",
			"--spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" };

	/**
	 * A token that cannot be Lanyard's is refused without asking Lanyard (here
	 * unreachable: asking would be a 503): made-up tokens do not become token exchanges.
	 */
	@Test
	void exchangeWhenTokenCannotBeLanyardsThenRefusedWithoutAsking() throws Exception {
		try (ConfigurableApplicationContext context = TokenExchangeServiceApplication.application().run(SETTINGS)) {
			String exchange = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port")
					+ "/exchange";
			java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
			for (String token : new String[] { "not-a-lanyard-token", "lyat_short", "lyat_" + "A".repeat(42) + "!" }) {
				assertThat(http
					.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(exchange))
						.header("Authorization", "Bearer " + token)
						.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
					.statusCode()).as(token).isEqualTo(401);
			}
			assertThat(http
				.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(exchange))
					.header("Authorization", "Bearer lyat_" + "A".repeat(43))
					.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
				.statusCode()).as("a well-formed token is asked about (Lanyard unreachable)").isEqualTo(503);
		}
	}

}
