package dev.lanyard.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * A service that answers every request with the headers it received, as a JSON object of
 * lower-case names: what a service behind the gateway template gets to see.
 */
final class Echo implements AutoCloseable {

	private final HttpServer server;

	private Echo(HttpServer server) {
		this.server = server;
	}

	static Echo start() throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		JsonMapper json = JsonMapper.builder().build();
		server.createContext("/", (exchange) -> {
			Map<String, String> headers = new TreeMap<>();
			for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
				headers.put(header.getKey().toLowerCase(Locale.ROOT), String.join(", ", header.getValue()));
			}
			byte[] body = json.writeValueAsString(headers).getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		server.start();
		return new Echo(server);
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
