package dev.lanyard.server.protocol;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers the token, introspection and revocation endpoints when called with a method
 * other than POST: 405 with an OAuth error, never a token (RFC 6749 §3.2: "The client
 * MUST use the HTTP POST method when making access token requests"; credentials never
 * travel in a query string).
 */
@RestController
class UnsupportedMethodController {

	@RequestMapping(path = { "/oauth2/token", "/oauth2/introspect", "/oauth2/revoke" },
			method = { RequestMethod.GET, RequestMethod.PUT, RequestMethod.DELETE, RequestMethod.PATCH })
	ResponseEntity<Map<String, String>> methodNotAllowed() {
		return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
			.header(HttpHeaders.ALLOW, "POST")
			.body(Map.of("error", "invalid_request", "error_description", "Use POST"));
	}

}
