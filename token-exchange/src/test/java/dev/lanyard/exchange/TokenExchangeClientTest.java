package dev.lanyard.exchange;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the authorization server's answers are read, and how long they are waited for. */
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

	/**
	 * An answer whose headers arrive and whose body then stalls (a half-open connection,
	 * a stuck proxy) is given up within the request timeout: every request for the same
	 * token waits on this exchange, and it used to wait for good.
	 */
	@Test
	void exchangeWhenBodyStallsAfterHeadersThenUnavailableWithinTheTimeout() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread stalling = new Thread(() -> {
				try (Socket connection = server.accept()) {
					InputStream in = connection.getInputStream();
					in.read(new byte[8192]);
					OutputStream out = connection.getOutputStream();
					out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"acc"
						.getBytes(StandardCharsets.US_ASCII));
					out.flush();
					Thread.sleep(30_000);
				}
				catch (Exception ex) {
					// The client gave up and closed, or the test ended.
				}
			});
			stalling.setDaemon(true);
			stalling.start();
			TokenExchangeClient client = new TokenExchangeClient(
					URI.create("http://127.0.0.1:" + server.getLocalPort()), "gateway", "gateway-secret", null,
					Duration.ofSeconds(1), Duration.ofMillis(1500));
			long started = System.nanoTime();
			ExchangeResult result = client.exchange("lyat_stalled");
			assertThat(result).isInstanceOf(ExchangeResult.Unavailable.class);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
		}
	}

}
