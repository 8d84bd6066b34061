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
		assertThat(TokenExchangeClient.read(200, "<html>proxy page</html>")).isInstanceOf(ExchangeResult.Unavailable.class);
	}

	@Test
	void readWhenTokenRefusedThenRejectedWithCode() {
		assertThat(TokenExchangeClient.read(400, "{\"error\":\"invalid_grant\"}"))
			.isEqualTo(new ExchangeResult.Rejected("invalid_grant"));
		assertThat(TokenExchangeClient.read(400, "{\"error\":\"invalid_target\"}"))
			.isEqualTo(new ExchangeResult.Rejected("invalid_target"));
	}

	@Test
	void readWhenIssuedTokenIsNotAJwtThenUnavailable() {
		assertThat(TokenExchangeClient.read(200,
				"{\"access_token\":\"lyat_x\",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:jwt\"}"))
			.isInstanceOf(ExchangeResult.Unavailable.class);
	}

}
