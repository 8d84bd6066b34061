package dev.lanyard.secured;

import java.util.Map;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Written against Spring Security only, so it runs unchanged with the Lanyard library and
 * with Spring's resource server ({@code resource-server} profile).
 */
@RestController
class OrdersController {

	/** Any signed-in user. */
	@GetMapping("/orders")
	Map<String, Object> orders(Authentication authentication) {
		return Map.of("user", authentication.getName(), "orders", 3);
	}

	/** Administrators only: {@code roles} contains {@code admin}. */
	@GetMapping("/admin/report")
	@PreAuthorize("hasRole('admin')")
	Map<String, Object> report(Authentication authentication) {
		return Map.of("report", "all orders", "for", authentication.getName());
	}

	/** Needs the scope {@code orders:write}; a bearer request needs no CSRF token. */
	@PostMapping("/orders")
	@PreAuthorize("hasAuthority('SCOPE_orders:write')")
	Map<String, Object> place(Authentication authentication) {
		return Map.of("placed", true, "by", authentication.getName());
	}

	@GetMapping("/public/ping")
	Map<String, Object> ping() {
		return Map.of("pong", true);
	}

}
