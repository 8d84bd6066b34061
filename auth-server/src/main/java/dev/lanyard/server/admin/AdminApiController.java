package dev.lanyard.server.admin;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.lanyard.admin.AdminIdentity;
import dev.lanyard.admin.ConfirmationRules;
import dev.lanyard.admin.InvalidInputException;
import dev.lanyard.admin.NotFoundException;
import dev.lanyard.admin.Page;
import dev.lanyard.admin.audit.AuditAdministration;
import dev.lanyard.admin.audit.AuditQuery;
import dev.lanyard.admin.client.ClientAdministration;
import dev.lanyard.admin.client.ClientDraft;
import dev.lanyard.admin.key.KeyAdministration;
import dev.lanyard.admin.key.KeyView;
import dev.lanyard.admin.session.SessionAdministration;
import dev.lanyard.admin.user.UserAdministration;
import dev.lanyard.admin.user.UserDraft;
import dev.lanyard.admin.user.UserView;
import dev.lanyard.server.secondfactor.TotpAuthenticators;
import dev.lanyard.server.admin.AdminApiJson.AuditResponse;
import dev.lanyard.server.admin.AdminApiJson.ClientRequest;
import dev.lanyard.server.admin.AdminApiJson.ClientResponse;
import dev.lanyard.server.admin.AdminApiJson.KeyResponse;
import dev.lanyard.server.admin.AdminApiJson.PageResponse;
import dev.lanyard.server.admin.AdminApiJson.PasswordRequest;
import dev.lanyard.server.admin.AdminApiJson.SecondFactorsResponse;
import dev.lanyard.server.admin.AdminApiJson.SessionResponse;
import dev.lanyard.server.admin.AdminApiJson.UserRequest;
import dev.lanyard.server.admin.AdminApiJson.UserResponse;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The admin REST API: the console's operations as JSON, through the same ports. Described
 * by {@code /api/admin/openapi.yaml}.
 */
@RestController
@RequestMapping(path = "/api/admin", produces = MediaType.APPLICATION_JSON_VALUE)
class AdminApiController {

	private static final int MAXIMUM_PAGE_SIZE = 200;

	private final ClientAdministration clients;

	private final UserAdministration users;

	private final SessionAdministration sessions;

	private final KeyAdministration keys;

	private final AuditAdministration audit;

	private final AdminIdentity identity;

	private final RecentAuthentication recentAuthentication;

	private final TransactionTemplate transactions;

	AdminApiController(ClientAdministration clients, UserAdministration users, SessionAdministration sessions,
			KeyAdministration keys, AuditAdministration audit, AdminIdentity identity,
			RecentAuthentication recentAuthentication, TransactionTemplate transactions) {
		this.transactions = transactions;
		this.clients = clients;
		this.users = users;
		this.sessions = sessions;
		this.keys = keys;
		this.audit = audit;
		this.identity = identity;
		this.recentAuthentication = recentAuthentication;
	}

	@GetMapping(path = "/openapi.yaml", produces = "application/yaml")
	Resource openApi() {
		return new ClassPathResource("admin-api/openapi.yaml");
	}

	@GetMapping("/clients")
	PageResponse<ClientResponse> clients(@RequestParam(defaultValue = "") String q,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
		return page(this.clients.search(q, Math.max(0, page), size(size)), (client) -> ClientResponse.of(client, null));
	}

	@PostMapping("/clients")
	ResponseEntity<ClientResponse> createClient(@RequestBody ClientRequest request) {
		ClientDraft draft = request.toDraft(null);
		if (ConfirmationRules.clientChange(null, draft)) {
			this.recentAuthentication.require();
		}
		ClientAdministration.ClientWithSecret created = this.clients.create(draft, this.identity.current());
		return ResponseEntity.created(URI.create("/api/admin/clients/" + created.client().clientId()))
			.body(ClientResponse.of(created.client(), created.clientSecret()));
	}

	@GetMapping("/clients/{clientId}")
	ClientResponse client(@PathVariable String clientId) {
		return ClientResponse.of(this.clients.get(clientId), null);
	}

	@PutMapping("/clients/{clientId}")
	ClientResponse updateClient(@PathVariable String clientId, @RequestBody ClientRequest request) {
		if (request.clientSecret() != null) {
			throw new InvalidInputException("client_secret", "client-secret.use-regenerate");
		}
		ClientDraft draft = request.toDraft(clientId);
		if (ConfirmationRules.clientChange(this.clients.get(clientId), draft)) {
			this.recentAuthentication.require();
		}
		return ClientResponse.of(this.clients.update(clientId, draft, this.identity.current()), null);
	}

	@PostMapping("/clients/{clientId}/secret")
	ClientResponse regenerateSecret(@PathVariable String clientId) {
		this.recentAuthentication.require();
		ClientAdministration.ClientWithSecret regenerated = this.clients.regenerateSecret(clientId,
				this.identity.current());
		return ClientResponse.of(regenerated.client(), regenerated.clientSecret());
	}

	@DeleteMapping("/clients/{clientId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void deleteClient(@PathVariable String clientId) {
		// HD-07: unlike disabling (at once in an incident, and undone as easily), it
		// cannot be taken back.
		this.recentAuthentication.require();
		this.clients.delete(clientId, this.identity.current());
	}

	@GetMapping("/users")
	PageResponse<UserResponse> users(@RequestParam(defaultValue = "") String q,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
		return page(this.users.search(q, Math.max(0, page), size(size)), UserResponse::of);
	}

	@PostMapping("/users")
	ResponseEntity<UserResponse> createUser(@RequestBody UserRequest request) {
		UserDraft draft = request.toDraft(null);
		if (request.totpSecret() != null) {
			// A second factor brought from another provider: a credential, like a
			// password an administrator sets, checked before anything is created.
			this.recentAuthentication.require();
			if (TotpAuthenticators.importable(request.totpSecret()).isEmpty()) {
				throw new InvalidInputException("totp_secret", "totp-secret.invalid");
			}
		}
		if (ConfirmationRules.userChange(null, draft)) {
			this.recentAuthentication.require();
		}
		// The user and the app they bring, or neither.
		UserView user = this.transactions.execute((status) -> {
			UserView created = this.users.create(draft, request.password(), this.identity.current());
			if (request.totpSecret() != null) {
				this.users.importAuthenticatorApp(created.id(), request.totpSecret(), this.identity.current());
			}
			return created;
		});
		UserResponse created = UserResponse.of(user);
		return ResponseEntity.created(URI.create("/api/admin/users/" + created.id())).body(created);
	}

	@GetMapping("/users/{id}")
	UserResponse user(@PathVariable String id) {
		return UserResponse.of(this.users.get(id));
	}

	@PutMapping("/users/{id}")
	UserResponse updateUser(@PathVariable String id, @RequestBody UserRequest request) {
		if (request.password() != null) {
			throw new InvalidInputException("password", "password.use-password-endpoint");
		}
		if (request.totpSecret() != null) {
			throw new InvalidInputException("totp_secret", "totp-secret.on-create-only");
		}
		UserView current = this.users.get(id);
		UserDraft draft = request.toDraft(current);
		if (ConfirmationRules.userChange(current, draft)) {
			this.recentAuthentication.require();
		}
		return UserResponse.of(this.users.update(id, draft, this.identity.current()));
	}

	@PutMapping("/users/{id}/password")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void setPassword(@PathVariable String id, @RequestBody PasswordRequest request) {
		this.recentAuthentication.require();
		this.users.setPassword(id, request.password(), !Boolean.FALSE.equals(request.signOutEverywhere()),
				this.identity.current());
	}

	@PostMapping("/users/{id}/unlock")
	UserResponse unlock(@PathVariable String id) {
		if (ConfirmationRules.unlock(this.users.get(id))) {
			this.recentAuthentication.require();
		}
		return UserResponse.of(this.users.unlock(id, this.identity.current()));
	}

	/**
	 * Removes a user's second factors (their password alone signs them in again, and the
	 * console's rule for administrators then asks them to set up new ones); needs a
	 * recent authentication.
	 */
	@DeleteMapping("/users/{id}/second-factors")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void resetSecondFactors(@PathVariable String id) {
		this.recentAuthentication.require();
		this.users.resetSecondFactors(id, this.identity.current());
	}

	/**
	 * The user's second factors (which kinds, never a secret) and whether every sign-in
	 * of theirs must have two.
	 */
	@GetMapping("/users/{id}/second-factors")
	SecondFactorsResponse secondFactors(@PathVariable String id) {
		return SecondFactorsResponse.of(this.users.secondFactors(id));
	}

	/**
	 * Sets whether every sign-in of the user must have two factors; needs a recent
	 * authentication.
	 */
	@PutMapping("/users/{id}/mfa-required")
	Map<String, Boolean> requireSecondFactor(@PathVariable String id, @RequestBody Map<String, Boolean> request) {
		this.recentAuthentication.require();
		Boolean required = request.get("mfa_required");
		if (required == null) {
			throw new InvalidInputException("mfa_required", "mfa-required.missing");
		}
		this.users.requireSecondFactor(id, required, this.identity.current());
		return Map.of("mfa_required", this.users.secondFactors(id).required());
	}

	@GetMapping("/sessions")
	List<SessionResponse> sessions(@RequestParam(required = false) String user,
			@RequestParam(required = false) String client) {
		if (user != null) {
			return this.sessions.forUser(user).stream().map(SessionResponse::of).toList();
		}
		if (client != null) {
			return this.sessions.forClient(client, MAXIMUM_PAGE_SIZE).stream().map(SessionResponse::of).toList();
		}
		throw new InvalidInputException("user", "sessions.user-or-client");
	}

	@DeleteMapping("/sessions/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void revokeSession(@PathVariable String id) {
		this.sessions.revoke(id, this.identity.current());
	}

	@PostMapping("/sessions/revoke")
	Map<String, Integer> revokeAll(@RequestParam(required = false) String user,
			@RequestParam(required = false) String client) {
		if (user != null) {
			return Map.of("revoked", this.sessions.revokeAllForUser(user, this.identity.current()));
		}
		if (client != null) {
			return Map.of("revoked", this.sessions.revokeAllForClient(client, this.identity.current()));
		}
		throw new InvalidInputException("user", "sessions.user-or-client");
	}

	@GetMapping("/keys")
	List<KeyResponse> keys() {
		return this.keys.keys().stream().map(KeyResponse::of).toList();
	}

	@PostMapping("/keys/rotate")
	List<KeyResponse> rotate() {
		this.keys.rotate(this.identity.current());
		return keys();
	}

	/**
	 * Withdraws a key at once ({@code KeyAdministration#withdraw}): the one named by
	 * {@code kid}, else the active one; needs a recent credential. Naming the key makes
	 * the request safe to repeat: a key already withdrawn is left as it is (404 tells
	 * so), where "the active one" would then be the key activated meanwhile.
	 */
	@PostMapping("/keys/rotate-emergency")
	List<KeyResponse> rotateInEmergency(@RequestParam(required = false) String kid) {
		this.recentAuthentication.require();
		String withdrawn = (kid != null) ? kid
				: this.keys.keys()
					.stream()
					.filter((key) -> "active".equals(key.state()))
					.map(KeyView::kid)
					.findFirst()
					.orElseThrow(() -> new NotFoundException("Key"));
		if (!this.keys.withdraw(withdrawn, this.identity.current())) {
			throw new NotFoundException("Key");
		}
		return keys();
	}

	@GetMapping("/audit")
	PageResponse<AuditResponse> audit(@RequestParam(required = false) String actor,
			@RequestParam(required = false) String action, @RequestParam(required = false) Instant from,
			@RequestParam(required = false) Instant to, @RequestParam(defaultValue = "0") int page,
			@RequestParam(defaultValue = "50") int size) {
		return page(this.audit.search(new AuditQuery(actor, action, from, to), Math.max(0, page), size(size)),
				AuditResponse::of);
	}

	private static int size(int requested) {
		return Math.min(Math.max(1, requested), MAXIMUM_PAGE_SIZE);
	}

	private static <T, R> PageResponse<R> page(Page<T> page, Function<T, R> mapping) {
		return new PageResponse<>(page.items().stream().map(mapping).toList(), page.page(), page.size(), page.total());
	}

}
