package dev.lanyard.server.admin;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.registration.RegistrationTokenAdministration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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
 * once), list the usable ones (never their values), revoke one. The console's rules and
 * audit ({@link RegistrationTokenAdministration}).
 */
@RestController
@RequestMapping(path = "/api/admin/registration-tokens", produces = MediaType.APPLICATION_JSON_VALUE)
class RegistrationTokenController {

	private final RegistrationTokenAdministration tokens;

	private final AdminIdentity identity;

	private final RecentAuthentication recentAuthentication;

	RegistrationTokenController(RegistrationTokenAdministration tokens, AdminIdentity identity,
			RecentAuthentication recentAuthentication) {
		this.tokens = tokens;
		this.identity = identity;
		this.recentAuthentication = recentAuthentication;
	}

	/**
	 * {@code {"description": "...", "uses": 1, "lifetime": 86400}}: uses 1 to 1000
	 * (default 1), lifetime in seconds, a minute to 30 days (default one day).
	 */
	@PostMapping
	ResponseEntity<Map<String, Object>> create(@RequestBody TokenRequest request) {
		// Up to a thousand registrations: as weighty as registering a client that
		// receives codes, which needs a recent sign-in too.
		this.recentAuthentication.require();
		RegistrationTokenAdministration.CreatedToken created;
		try {
			created = this.tokens.create((request.description() != null) ? request.description().strip() : null,
					(request.uses() != null) ? request.uses() : 1,
					Duration
						.ofSeconds((request.lifetime() != null) ? request.lifetime() : Duration.ofDays(1).toSeconds()),
					this.identity.current());
		}
		catch (InvalidInputException ex) {
			return ResponseEntity.badRequest()
				.body(Map.of("error", "invalid_request", "error_description",
						"description (1 to 200 characters), uses 1 to 1000, lifetime 60 s to 30 days"));
		}
		return ResponseEntity.created(URI.create("/api/admin/registration-tokens/" + created.token().id()))
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(Map.of("id", created.token().id(), "token", created.value(), "description",
					created.token().description(), "uses_left", created.token().usesLeft(), "expires_at",
					created.token().expiresAt().toString()));
	}

	@GetMapping
	List<Map<String, Object>> usable() {
		return this.tokens.usable()
			.stream()
			.map((token) -> Map.<String, Object>of("id", token.id(), "description", token.description(), "created_by",
					token.createdBy(), "uses_left", token.usesLeft(), "expires_at", token.expiresAt().toString()))
			.toList();
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> revoke(@PathVariable String id) {
		try {
			this.tokens.revoke(id, this.identity.current());
		}
		catch (NotFoundException ex) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
		}
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
