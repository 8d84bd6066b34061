package dev.lanyard.secured;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.annotation.Profile;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.lanyard.jwt.SessionClaims;

/**
 * With the Lanyard library the principal is the verified {@link SessionClaims}: typed
 * accessors instead of raw claims.
 */
@RestController
@Profile("!resource-server")
class SessionController {

	@GetMapping("/session")
	Map<String, Object> session(@AuthenticationPrincipal SessionClaims session) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("sub", session.subject());
		body.put("username", session.username().orElse(null));
		body.put("roles", session.roles());
		// A user need not have a tenant: absence is an answer, not an error.
		body.put("tenant", session.tenant().orElse("none"));
		return body;
	}

}
