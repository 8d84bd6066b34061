package dev.lanyard.server.exchange;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** What tests listening on the revocation channel keep of its messages. */
public final class RevocationMessages {

	private RevocationMessages() {
	}

	/** A message of the revocation channel, unless it is a node's heartbeat. */
	public static Optional<String> revocation(byte[] body) {
		String message = new String(body, StandardCharsets.UTF_8);
		return RevocationChannel.HEARTBEAT.equals(message) ? Optional.empty() : Optional.of(message);
	}

}
