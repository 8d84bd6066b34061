package dev.lanyard.server;

import java.io.IOException;
import java.io.OutputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * A test server's answer that starts at once, then sends its body a byte a second for a
 * minute: it meets every read timeout, and only a deadline for the whole answer ends it.
 */
public final class TricklingAnswer implements HttpHandler {

	private final String contentType;

	public TricklingAnswer(String contentType) {
		this.contentType = contentType;
	}

	@Override
	public void handle(HttpExchange exchange) {
		exchange.getResponseHeaders().add("Content-Type", this.contentType);
		try (OutputStream out = exchange.getResponseBody()) {
			exchange.sendResponseHeaders(200, 0);
			for (int i = 0; i < 60; i++) {
				out.write(' ');
				out.flush();
				Thread.sleep(1000);
			}
		}
		catch (IOException | InterruptedException ex) {
			// The caller gave up: what the tests want.
		}
	}

}
