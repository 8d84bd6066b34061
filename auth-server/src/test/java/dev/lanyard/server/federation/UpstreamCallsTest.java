package dev.lanyard.server.federation;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import dev.lanyard.server.TricklingAnswer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Calls to an upstream identity provider, against one that misbehaves: every call to a
 * provider (discovery, token, user info, keys) is made through {@link UpstreamCalls}.
 */
class UpstreamCallsTest {

	private HttpServer upstream;

	private RestClient calls;

	@BeforeEach
	void setUp() throws IOException {
		this.upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.upstream.setExecutor(Executors.newCachedThreadPool());
		this.upstream.createContext("/ok", (exchange) -> answer(exchange, "{\"issuer\":\"x\"}".getBytes()));
		this.upstream.createContext("/moved", (exchange) -> {
			exchange.getResponseHeaders().add("Location", "/ok");
			exchange.sendResponseHeaders(302, -1);
			exchange.close();
		});
		this.upstream.createContext("/huge", (exchange) -> {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, 0);
			try (OutputStream out = exchange.getResponseBody()) {
				byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
				for (int i = 0; i < 64; i++) {
					out.write(chunk);
				}
			}
			catch (IOException ex) {
				// Cut off: what the test wants.
			}
		});
		this.upstream.createContext("/trickle", new TricklingAnswer("application/json"));
		this.upstream.start();
		this.calls = RestClient.builder().requestFactory(UpstreamCalls.requestFactory()).build();
	}

	@AfterEach
	void tearDown() {
		this.upstream.stop(0);
	}

	@Test
	void callWhenUpstreamAnswersThenAnswerRead() {
		assertThat(this.calls.get().uri(url("/ok")).retrieve().body(String.class)).contains("issuer");
	}

	/** Only the endpoint the provider names is called: a redirect is not followed. */
	@Test
	void callWhenUpstreamRedirectsThenNotFollowed() {
		assertThat(this.calls.get().uri(url("/moved")).retrieve().toBodilessEntity().getStatusCode().value())
			.isEqualTo(302);
	}

	/** An answer of 4 MiB is cut off at 1 MiB: it used to be read whole into memory. */
	@Test
	void callWhenAnswerLargerThanAnyUpstreamsThenRefused() {
		assertThatThrownBy(() -> this.calls.get().uri(url("/huge")).retrieve().body(String.class))
			.isInstanceOf(RestClientException.class);
	}

	/**
	 * A byte a second meets every read timeout, and held the person's request thread for
	 * as long as the upstream liked: the whole call ends after the deadline.
	 */
	@Test
	void callWhenUpstreamTricklesThenCutOffAtTheDeadline() {
		long started = System.nanoTime();
		assertThatThrownBy(() -> this.calls.get().uri(url("/trickle")).retrieve().body(String.class))
			.isInstanceOf(RestClientException.class);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(UpstreamCalls.DEADLINE.plusSeconds(5));
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.upstream.getAddress().getPort() + path;
	}

	private static void answer(com.sun.net.httpserver.HttpExchange exchange, byte[] body) throws IOException {
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

}
