package dev.lanyard.server.registration;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.server.audit.AuditLog;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin API's initial access tokens for dynamic client registration (under
 * {@code /api/admin}, so only administrators reach it): create one (its value shown
 * once), list the usable ones (never their values), revoke one. Audited.
 */
@RestController
@RequestMapping("/api/admin/registration-tokens")
class RegistrationTokenController {

	private final RegistrationTokens tokens;

	private final AdminIdentity identity;

	private final AuditLog audit;

	RegistrationTokenController(RegistrationTokens tokens, AdminIdentity identity, AuditLog audit) {
		this.tokens = tokens;
		this.identity = identity;
		this.audit = audit;
	}

	/**
	 * {@code {"description": "...", "uses": 1, "lifetime": 86400}}: uses 1 to 1000
	 * (default 1), lifetime in seconds up to 30 days (default one day).
	 */
	@PostMapping
	ResponseEntity<Map<String, Object>> create(@RequestBody TokenRequest request) {
		int uses = (request.uses() != null) ? request.uses() : 1;
		long lifetime = (request.lifetime() != null) ? request.lifetime() : Duration.ofDays(1).toSeconds();
		String description = (request.description() != null) ? request.description().strip() : "";
		if (uses < 1 || uses > RegistrationTokens.MAXIMUM_USES || lifetime < 60
				|| lifetime > RegistrationTokens.MAXIMUM_LIFETIME.toSeconds() || description.isEmpty()
				|| description.length() > 200) {
			return ResponseEntity.badRequest()
				.body(Map.of("error", "invalid_request", "error_description",
						"description (1 to 200 characters), uses 1 to 1000, lifetime 60 s to 30 days"));
		}
		String actor = this.identity.current().id();
		RegistrationTokens.Created created = this.tokens.create(description, uses, Duration.ofSeconds(lifetime), actor);
		this.audit.record(actor, "registration_token.created", "registration-token:" + created.token().id(),
				this.identity.current().address(), Map.of("uses", uses, "expires_at", created.token().expiresAt()));
		return ResponseEntity.created(URI.create("/api/admin/registration-tokens/" + created.token().id()))
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(Map.of("id", created.token().id(), "token", created.value(), "uses_left", uses, "expires_at",
					created.token().expiresAt().toString()));
	}

	@GetMapping
	List<RegistrationTokens.InitialAccessToken> usable() {
		return this.tokens.usable();
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> revoke(@PathVariable String id) {
		if (!this.tokens.revoke(id)) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
		}
		this.audit.record(this.identity.current().id(), "registration_token.revoked", "registration-token:" + id,
				this.identity.current().address(), Map.of());
		return ResponseEntity.noContent().build();
	}

	/**
	 * A new initial access token.
	 *
	 * @param description what it is for
	 * @param uses how many registrations it allows
	 * @param lifetime how long it is good, in seconds
	 */
	record TokenRequest(String description, Integer uses, Long lifetime) {
	}

}
