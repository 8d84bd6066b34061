package dev.lanyard.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Requests written byte for byte, for what an HTTP client library will not send (a
 * foreign {@code Host}, a malformed request line or header).
 */
public final class RawHttp {

	private RawHttp() {
	}

	/**
	 * Sends the raw request to 127.0.0.1 and returns everything answered until the server
	 * closes or pauses.
	 */
	public static String exchange(int port, String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(3000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
			socket.getOutputStream().flush();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			try {
				int read;
				while ((read = in.read(buffer)) != -1) {
					answer.write(buffer, 0, read);
					if (answer.toString(StandardCharsets.UTF_8).contains("\r\n\r\n") && in.available() == 0) {
						socket.setSoTimeout(300);
					}
				}
			}
			catch (SocketTimeoutException ex) {
				// A kept-alive connection: the answer is complete.
			}
			return answer.toString(StandardCharsets.UTF_8);
		}
	}

}
