package dev.lanyard.exchange.service;

import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

import dev.lanyard.exchange.ExchangeResult;
import dev.lanyard.exchange.GatewayTokenExchanger;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /exchange}, for NGINX {@code auth_request}: 200 with {@code X-Internal-Jwt},
 * 401 with {@code WWW-Authenticate} (RFC 6750 §3) for a missing or refused token, 503
 * when the authorization server cannot be asked. Only the {@code Authorization} header is
 * read (RFC 6750 §2.1), and only once.
 */
@RestController
class ExchangeEndpoint {

	static final String JWT_HEADER = "X-Internal-Jwt";

	/** RFC 6750 §2.1: "Bearer" (any case), one or more spaces, b64token. */
	private static final Pattern BEARER = Pattern.compile("(?i:bearer) +([A-Za-z0-9\\-._~+/]+=*)");

	private static final int MAXIMUM_TOKEN_LENGTH = 512;

	private final GatewayTokenExchanger exchanger;

	ExchangeEndpoint(GatewayTokenExchanger exchanger) {
		this.exchanger = exchanger;
	}

	@GetMapping("/exchange")
	ResponseEntity<Void> exchange(HttpServletRequest request) {
		List<String> headers = Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION));
		if (headers.isEmpty()) {
			return unauthorized("Bearer realm=\"lanyard\"");
		}
		if (headers.size() > 1) {
			// Two credentials: refuse rather than guess which one counts (as
			// jwt-client-lib does).
			return ResponseEntity.status(HttpStatus.BAD_REQUEST)
				.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"lanyard\", error=\"invalid_request\"")
				.build();
		}
		var matcher = BEARER.matcher(headers.get(0));
		if (!matcher.matches() || matcher.group(1).length() > MAXIMUM_TOKEN_LENGTH) {
			return unauthorized("Bearer realm=\"lanyard\", error=\"invalid_token\"");
		}
		ExchangeResult result = this.exchanger.exchange(matcher.group(1));
		if (result instanceof ExchangeResult.Exchanged exchanged) {
			return ResponseEntity.ok()
				.header(JWT_HEADER, exchanged.jwt())
				.header(HttpHeaders.CACHE_CONTROL, "no-store")
				.build();
		}
		if (result instanceof ExchangeResult.Rejected) {
			return unauthorized("Bearer realm=\"lanyard\", error=\"invalid_token\"");
		}
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").build();
	}

	private static ResponseEntity<Void> unauthorized(String challenge) {
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, challenge).build();
	}

}
