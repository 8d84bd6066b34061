package dev.lanyard.jwt;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny stand-in for the authorization server's discovery and JWKS endpoints over real
 * HTTP, counting every request. The JWKS it serves, its failure mode and its latency can
 * change while a test runs. Anything else under {@code /canary/} is counted too: tests
 * point {@code jku}, {@code x5u} and foreign issuers there and expect zero hits.
 *
 * <p>
 * Start one per test class or test; close it afterwards.
 */
public final class TestAuthorizationServer implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	private final AtomicInteger jwksFetches = new AtomicInteger();

	private final AtomicInteger discoveryFetches = new AtomicInteger();

	private final AtomicInteger canaryHits = new AtomicInteger();

	private volatile String jwks;

	private volatile int jwksStatus = 200;

	private volatile long jwksDelayMillis;

	private volatile String discoveryIssuer;

	private TestAuthorizationServer(List<JWK> keys) throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/.well-known/openid-configuration", this::discovery);
		this.server.createContext("/oauth2/jwks", this::jwks);
		this.server.createContext("/canary/", exchange -> {
			this.canaryHits.incrementAndGet();
			respond(exchange, 200, JSONObjectUtils.toJSONString(new JWKSet(TestKeys.ATTACKER).toJSONObject()));
		});
		publish(keys.toArray(JWK[]::new));
		this.server.start();
	}

	/**
	 * Starts a server publishing the public parts of the given keys.
	 * @param keys the keys
	 * @return the running server
	 */
	public static TestAuthorizationServer start(JWK... keys) {
		try {
			return new TestAuthorizationServer(List.of(keys));
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	/** The issuer URL, {@code http://127.0.0.1:<port>}. */
	public String issuer() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/** The JWKS URL. */
	public URI jwksUri() {
		return URI.create(issuer() + "/oauth2/jwks");
	}

	/** A URL nobody should ever call. */
	public String canaryUrl() {
		return issuer() + "/canary/jwks.json";
	}

	/** Publishes the public parts of these keys from now on. */
	public void publish(JWK... keys) {
		List<JWK> publicKeys = new ArrayList<>();
		for (JWK key : keys) {
			publicKeys.add(key.toPublicJWK());
		}
		this.jwks = JSONObjectUtils.toJSONString(new JWKSet(publicKeys).toJSONObject());
	}

	/** Serves this exact JWKS body from now on. */
	public void publishRaw(String body) {
		this.jwks = body;
	}

	/** Makes the JWKS endpoint answer this status (200 restores normal service). */
	public void jwksStatus(int status) {
		this.jwksStatus = status;
	}

	/** Delays every JWKS answer. */
	public void jwksDelayMillis(long delay) {
		this.jwksDelayMillis = delay;
	}

	/** Makes the discovery document name another issuer ({@code null}: the real one). */
	public void discoveryIssuer(String issuer) {
		this.discoveryIssuer = issuer;
	}

	/** JWKS requests so far. */
	public int jwksFetches() {
		return this.jwksFetches.get();
	}

	/** Discovery requests so far. */
	public int discoveryFetches() {
		return this.discoveryFetches.get();
	}

	/** Requests to the canary so far. */
	public int canaryHits() {
		return this.canaryHits.get();
	}

	private void discovery(HttpExchange exchange) throws IOException {
		this.discoveryFetches.incrementAndGet();
		String issuer = this.discoveryIssuer != null ? this.discoveryIssuer : issuer();
		respond(exchange, 200, JSONObjectUtils.toJSONString(Map.of("issuer", issuer, "jwks_uri", jwksUri().toString(),
				"id_token_signing_alg_values_supported", List.of("RS256"))));
	}

	private void jwks(HttpExchange exchange) throws IOException {
		this.jwksFetches.incrementAndGet();
		long delay = this.jwksDelayMillis;
		if (delay > 0) {
			try {
				Thread.sleep(delay);
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
		int status = this.jwksStatus;
		respond(exchange, status, status == 200 ? this.jwks : "{\"error\":\"unavailable\"}");
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
		catch (IOException e) {
			// client gave up (timeout tests)
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
