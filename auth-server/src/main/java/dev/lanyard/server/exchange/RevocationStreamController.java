package dev.lanyard.server.exchange;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /revocations}: the {@link RevocationStream}, for gateway clients
 * ({@link RevocationStreamSecurityConfiguration}).
 */
@RestController
class RevocationStreamController {

	static final String PATH = "/revocations";

	private final RevocationStream stream;

	RevocationStreamController(RevocationStream stream) {
		this.stream = stream;
	}

	@GetMapping(path = PATH, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter revocations(@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
			Authentication client, HttpServletResponse response) {
		// Events must not wait in a proxy's buffer (NGINX in front of Lanyard).
		response.setHeader("X-Accel-Buffering", "no");
		return this.stream.subscribe(client.getName(), lastEventId);
	}

}
