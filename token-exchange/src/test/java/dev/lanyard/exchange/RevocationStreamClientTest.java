package dev.lanyard.exchange;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The revocation stream's reader, against a server that never lets it be heard. */
class RevocationStreamClientTest {

	/**
	 * A stream that is refused (401: the gateway's secret was rotated; 503: a proxy), or
	 * answered and ended at once (a node's seventeenth stream of this client), is asked
	 * again after waits that double up to 5 s. Every answer reset the wait to 250 ms, and
	 * each gateway asked four times a second for ever.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 401, 503, 200 })
	void streamWhenNeverHeardThenAskedAgainAfterDoublingWaits(int status) throws Exception {
		AtomicInteger asked = new AtomicInteger();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/revocations", (exchange) -> {
			asked.incrementAndGet();
			try (exchange) {
				exchange.sendResponseHeaders(status, -1);
			}
			catch (IOException ex) {
				// The reader went away.
			}
		});
		server.start();
		GatewayTokenExchanger exchanger = new GatewayTokenExchanger((token) -> null, Duration.ofSeconds(30),
				Duration.ofSeconds(10), ExchangeEvents.NONE, Clock.systemUTC());
		try (RevocationStreamClient client = new RevocationStreamClient(
				URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "gateway", "secret",
				Duration.ofSeconds(1), exchanger)) {
			client.start();
			Thread.sleep(4000);
		}
		finally {
			server.stop(0);
		}
		// 0, 0.25, 0.75, 1.75, 3.75 s: five; at 250 ms each, about sixteen.
		assertThat(asked.get()).isBetween(2, 6);
	}

}
