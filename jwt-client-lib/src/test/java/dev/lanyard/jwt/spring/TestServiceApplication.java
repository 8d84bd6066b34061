package dev.lanyard.jwt.spring;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import dev.lanyard.jwt.SessionClaims;
import dev.lanyard.jwt.servlet.SessionContext;

/**
 * A minimal service using the library only through auto-configuration, as a user would.
 */
@SpringBootApplication
public class TestServiceApplication {

	@RestController
	static class Endpoints {

		private final RestClient restClient;

		Endpoints(RestClient.Builder restClientBuilder) {
			this.restClient = restClientBuilder.build();
		}

		@GetMapping("/me")
		Map<String, Object> me(SessionClaims session) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("sub", session.subject());
			body.put("username", session.username().orElse(null));
			body.put("scopes", session.scopes());
			body.put("roles", session.roles());
			body.put("tenant", session.tenant().orElse(null));
			return body;
		}

		@GetMapping({ "/context", "/public/context" })
		String context() {
			return SessionContext.current().map(SessionClaims::subject).orElse("none");
		}

		@GetMapping("/public/whoami")
		String whoami(SessionClaims session) {
			return session.subject();
		}

		// An allowed host that sends callers on elsewhere (an open redirect).
		@GetMapping("/public/redirect")
		org.springframework.http.ResponseEntity<Void> redirect(@RequestParam String to) {
			return org.springframework.http.ResponseEntity.status(302).header("Location", to).build();
		}

		// A handler matching many segments: Spring MVC matches it on the path as sent.
		@GetMapping("/files/{*path}")
		String file(@org.springframework.web.bind.annotation.PathVariable String path) {
			return "file:" + path;
		}

		@GetMapping("/health")
		String health() {
			return "UP";
		}

		@GetMapping("/public/authorization")
		String authorization(@RequestHeader(name = "Authorization", required = false) String authorization) {
			return authorization == null ? "none" : authorization.startsWith("Bearer ey") ? "bearer" : "other";
		}

		// Calls the next service with a RestClient from Boot's builder; the token follows
		// on its own.
		@GetMapping("/relay")
		String relay(@RequestParam String target) {
			return this.restClient.get()
				.uri(target)
				.exchange((request, response) -> response.getStatusCode().value() + ":"
						+ new String(response.getBody().readAllBytes()));
		}

	}

}
