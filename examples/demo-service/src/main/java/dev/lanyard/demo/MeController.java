package dev.lanyard.demo;

import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.server.ResponseStatusException;

import dev.lanyard.jwt.SessionClaims;

/**
 * Answers who is calling, from the verified session. The library has already answered 401
 * to any request without a valid token, so a {@link SessionClaims} argument is always
 * there.
 */
@RestController
class MeController {

	private final RestClient nextService;

	private final Environment environment;

	MeController(RestClient.Builder restClientBuilder, Environment environment) {
		// Built from Boot's builder, so the caller's token is forwarded to allow-listed
		// hosts.
		this.nextService = restClientBuilder.build();
		this.environment = environment;
	}

	/** The caller's session claims. */
	@GetMapping("/me")
	MeResponse me(SessionClaims session) {
		return MeResponse.of(session);
	}

	/**
	 * The same question asked of the next service, with the caller's token passed along.
	 */
	@GetMapping("/chain/me")
	MeResponse meFromNextService() {
		// Resolved per call: by default it names this service's own port, known only once
		// started.
		String next = this.environment.getRequiredProperty("demo.next-service-url");
		return this.nextService.get()
			.uri(next + "/me")
			.retrieve()
			.onStatus(HttpStatusCode::isError, (request, response) -> {
				throw new ResponseStatusException(HttpStatus.BAD_GATEWAY,
						"Next service answered " + response.getStatusCode().value());
			})
			.body(MeResponse.class);
	}

}
