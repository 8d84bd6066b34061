package dev.lanyard.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * Stands in for an OpenTelemetry collector: accepts OTLP/HTTP trace exports
 * ({@code POST /v1/traces}, protobuf) and keeps their bodies. Spans are found by the
 * bytes they must contain (a trace id, a service name, a span name), which protobuf
 * stores as they are.
 */
final class OtlpReceiver implements AutoCloseable {

	private final HttpServer server;

	private final List<byte[]> exports = new CopyOnWriteArrayList<>();

	private OtlpReceiver(HttpServer server) {
		this.server = server;
	}

	static OtlpReceiver start() throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		OtlpReceiver receiver = new OtlpReceiver(server);
		server.createContext("/v1/traces", (exchange) -> {
			try (InputStream body = exchange.getRequestBody()) {
				receiver.exports.add(body.readAllBytes());
			}
			exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		server.start();
		return receiver;
	}

	String endpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
	}

	/** Whether one export holds all of these: the trace id (hex) and the given texts. */
	boolean received(String traceIdHex, String... texts) {
		byte[] traceId = HexFormat.of().parseHex(traceIdHex);
		for (byte[] export : this.exports) {
			if (contains(export, traceId) && List.of(texts)
				.stream()
				.allMatch((text) -> contains(export, text.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
				return true;
			}
		}
		return false;
	}

	/** Whether any export holds this text (a token must never be in one). */
	boolean mentions(String text) {
		byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		return this.exports.stream().anyMatch((export) -> contains(export, bytes));
	}

	/**
	 * Writes the printable runs of the exports of one trace to a file, for whoever reads
	 * a failure.
	 */
	void dump(java.nio.file.Path file, String traceIdHex) throws IOException {
		byte[] traceId = HexFormat.of().parseHex(traceIdHex);
		StringBuilder text = new StringBuilder();
		for (byte[] export : this.exports) {
			if (contains(export, traceId)) {
				StringBuilder run = new StringBuilder();
				for (byte b : export) {
					if (b >= 32 && b < 127) {
						run.append((char) b);
					}
					else {
						if (run.length() >= 3) {
							text.append(run).append('\n');
						}
						run.setLength(0);
					}
				}
				text.append("----\n");
			}
		}
		java.nio.file.Files.writeString(file, text);
	}

	private static boolean contains(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
