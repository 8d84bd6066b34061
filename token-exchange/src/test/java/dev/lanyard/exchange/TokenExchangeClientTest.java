package dev.lanyard.exchange;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the authorization server's answers are read. */
class TokenExchangeClientTest {

	@Test
	void readWhenServerErrorOrGatewayRefusedThenUnavailableNotRejected() {
		assertThat(TokenExchangeClient.read(503, "")).isInstanceOf(ExchangeResult.Unavailable.class);
		assertThat(TokenExchangeClient.read(500, "{\"error\":\"server_error\"}"))
			.isInstanceOf(ExchangeResult.Unavailable.class);
		assertThat(TokenExchangeClient.read(401, "{\"error\":\"invalid_client\"}"))
			.isInstanceOf(ExchangeResult.Unavailable.class);
		assertThat(TokenExchangeClient.read(200, "<html>proxy page</html>"))
			.isInstanceOf(ExchangeResult.Unavailable.class);
	}

	@Test
	void readWhenTokenRefusedThenRejectedWithCode() {
		assertThat(TokenExchangeClient.read(400, "{\"error\":\"invalid_grant\"}"))
			.isEqualTo(new ExchangeResult.Rejected("invalid_grant"));
	}

	/** A refusal of the gateway's request (not of the token) is a configuration fault. */
	@Test
	void readWhenRequestRefusedForTheGatewaysParametersThenUnavailable() {
		for (String error : new String[] { "invalid_target", "invalid_scope", "unauthorized_client",
				"unsupported_grant_type", "invalid_request" }) {
			assertThat(TokenExchangeClient.read(400, "{\"error\":\"" + error + "\"}")).as(error)
				.isEqualTo(new ExchangeResult.Unavailable("the exchange request was refused: " + error));
		}
		assertThat(TokenExchangeClient.read(403, "{}")).isInstanceOf(ExchangeResult.Unavailable.class);
	}

	@Test
	void readWhenIssuedTokenIsNotAJwtThenUnavailable() {
		assertThat(TokenExchangeClient.read(200,
				"{\"access_token\":\"lyat_x\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:jwt\"}"))
			.isInstanceOf(ExchangeResult.Unavailable.class);
	}

}
