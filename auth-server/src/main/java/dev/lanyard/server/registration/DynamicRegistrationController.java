package dev.lanyard.server.registration;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.NoSuchEntityException;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.client.ClientRegistration;
import dev.lanyard.server.client.ClientService;
import dev.lanyard.server.client.OAuthClient;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dynamic client registration (RFC 7591) and its management (RFC 7592) at
 * {@code /connect/register}. Closed to anyone without an initial access token from an
 * administrator ({@link RegistrationTokens}); each registration uses it once. A client
 * registered this way gets a server-chosen {@code client_id}, a registration access token
 * for {@code /connect/register/{client_id}}, and the console's rules plus these: grant
 * types {@code authorization_code}, {@code refresh_token} and {@code client_credentials}
 * only, response type {@code code} only, never the {@code admin} scope, and consent
 * always asked. Metadata Lanyard does not know is ignored (RFC 7591 §2). Every change is
 * audited.
 */
@RestController
@RequestMapping(DynamicRegistrationController.PATH)
class DynamicRegistrationController {

	static final String PATH = "/connect/register";

	private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token", "client_credentials");

	private static final String ADMIN_SCOPE = "admin";

	private final ClientService clients;

	private final RegistrationTokens tokens;

	private final AuditLog audit;

	private final LanyardProperties properties;

	DynamicRegistrationController(ClientService clients, RegistrationTokens tokens, AuditLog audit,
			LanyardProperties properties) {
		this.clients = clients;
		this.tokens = tokens;
		this.audit = audit;
		this.properties = properties;
	}

	/** RFC 7591 §3.1. */
	@PostMapping
	ResponseEntity<Map<String, Object>> register(
			@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody Map<String, Object> metadata, HttpServletRequest request) {
		String initialToken = bearer(authorization).orElseThrow(InvalidToken::new);
		ClientRegistration registration = registration(
				"dyn-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20), metadata);
		// Checked before the token is used, so a refused request costs no registration.
		requireValid(registration);
		String tokenId = this.tokens.use(initialToken).orElseThrow(InvalidToken::new);
		ClientService.ClientWithSecret created = this.clients.register(registration);
		String accessToken = this.tokens.issueAccessToken(created.client().clientId());
		this.audit.record("registration-token:" + tokenId, "client.registered", "client:" + created.client().clientId(),
				request.getRemoteAddr(), Map.of("token_endpoint_auth_method",
						created.client().tokenEndpointAuthMethod(), "grant_types", created.client().grantTypes()));
		Map<String, Object> body = metadata(created.client());
		if (created.clientSecret() != null) {
			body.put("client_secret", created.clientSecret());
			body.put("client_secret_expires_at", 0);
		}
		body.put("registration_access_token", accessToken);
		return ResponseEntity.created(URI.create(clientUri(created.client().clientId())))
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(body);
	}

	/** RFC 7592 §2.1. */
	@GetMapping("/{clientId}")
	ResponseEntity<Map<String, Object>> read(@PathVariable String clientId,
			@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
		OAuthClient client = managed(clientId, authorization);
		return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(metadata(client));
	}

	/** RFC 7592 §2.2: the metadata sent replace the client's. */
	@PutMapping("/{clientId}")
	ResponseEntity<Map<String, Object>> update(@PathVariable String clientId,
			@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody Map<String, Object> metadata, HttpServletRequest request) {
		managed(clientId, authorization);
		if (!clientId.equals(metadata.get("client_id"))) {
			throw new InputRejectedException("client_id", "client-id.mismatch");
		}
		if (metadata.containsKey("client_secret")) {
			throw new InputRejectedException("client_secret", "client-secret.use-regenerate");
		}
		ClientRegistration registration = registration(clientId, metadata);
		requireValid(registration);
		OAuthClient updated = this.clients.update(clientId, registration);
		this.audit.record("client:" + clientId, "client.updated", "client:" + clientId, request.getRemoteAddr(),
				Map.of("token_endpoint_auth_method", updated.tokenEndpointAuthMethod(), "dynamic", true));
		return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(metadata(updated));
	}

	/** RFC 7592 §2.3: the client and every grant it holds go. */
	@DeleteMapping("/{clientId}")
	ResponseEntity<Void> delete(@PathVariable String clientId,
			@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			HttpServletRequest request) {
		managed(clientId, authorization);
		this.clients.delete(clientId);
		this.audit.record("client:" + clientId, "client.deleted", "client:" + clientId, request.getRemoteAddr(),
				Map.of("dynamic", true));
		return ResponseEntity.noContent().build();
	}

	/** The client, when the registration access token is its own. */
	private OAuthClient managed(String clientId, String authorization) {
		String token = bearer(authorization).orElseThrow(InvalidToken::new);
		if (!this.tokens.isAccessToken(clientId, token)) {
			// RFC 7592 §2: an unknown client and a wrong token look the same.
			throw new InvalidToken();
		}
		return this.clients.findByClientId(clientId).orElseThrow(InvalidToken::new);
	}

	private void requireValid(ClientRegistration registration) {
		List<InputRejectedException.Problem> problems = new ArrayList<>(
				dev.lanyard.server.client.ClientValidator.validate(registration));
		if (!problems.isEmpty()) {
			throw new InputRejectedException(problems);
		}
	}

	/** RFC 7591 §2 metadata as a registration, with the rules for dynamic clients. */
	private ClientRegistration registration(String clientId, Map<String, Object> metadata) {
		String method = string(metadata, "token_endpoint_auth_method");
		List<String> grantTypes = strings(metadata, "grant_types");
		if (grantTypes == null) {
			grantTypes = List.of("authorization_code");
		}
		for (String grantType : grantTypes) {
			if (!GRANT_TYPES.contains(grantType)) {
				throw new InputRejectedException("grant_types", "grant-types.dynamic");
			}
		}
		List<String> responseTypes = strings(metadata, "response_types");
		if (responseTypes != null && !responseTypes.stream().allMatch("code"::equals)) {
			throw new InputRejectedException("response_types", "response-types.code-only");
		}
		String scope = string(metadata, "scope");
		Set<String> scopes = (scope != null) ? new LinkedHashSet<>(List.of(scope.trim().split("\\s+")))
				: new LinkedHashSet<>(Set.of("openid"));
		if (scopes.contains(ADMIN_SCOPE)) {
			throw new InputRejectedException("scope", "scope.admin-dynamic");
		}
		Object jwks = metadata.get("jwks");
		if (jwks != null && !(jwks instanceof Map)) {
			throw new InputRejectedException("jwks", "jwks.invalid");
		}
		@SuppressWarnings("unchecked")
		String jwksJson = (jwks != null) ? JSONObjectUtils.toJSONString((Map<String, Object>) jwks) : null;
		boolean publicClient = "none".equals(method);
		List<String> redirectUris = strings(metadata, "redirect_uris");
		List<String> postLogout = strings(metadata, "post_logout_redirect_uris");
		return new ClientRegistration(clientId, string(metadata, "client_name"), publicClient, null,
				(method != null) ? method : OAuthClient.AUTH_CLIENT_SECRET_BASIC, jwksJson,
				string(metadata, "jwks_uri"), (redirectUris != null) ? redirectUris : List.of(),
				(postLogout != null) ? postLogout : List.of(), new LinkedHashSet<>(grantTypes), scopes, null, true,
				null, null, null, List.of(), false, bool(metadata, "require_pushed_authorization_requests"),
				string(metadata, "backchannel_logout_uri"), bool(metadata, "backchannel_logout_session_required"),
				true);
	}

	/** A client's metadata as RFC 7591 §3.2.1 answers it (never its secret). */
	private Map<String, Object> metadata(OAuthClient client) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("client_id", client.clientId());
		body.put("client_id_issued_at", client.clientIdIssuedAt().getEpochSecond());
		body.put("client_name", client.clientName());
		body.put("token_endpoint_auth_method", client.tokenEndpointAuthMethod());
		body.put("grant_types", List.copyOf(new LinkedHashSet<>(client.grantTypes())));
		body.put("response_types", client.grantTypes().contains("authorization_code") ? List.of("code") : List.of());
		body.put("redirect_uris", client.redirectUris());
		body.put("post_logout_redirect_uris", client.postLogoutRedirectUris());
		body.put("scope", String.join(" ", client.scopes()));
		if (client.jwks() != null) {
			body.put("jwks", JwksJson.parse(client.jwks()));
		}
		if (client.jwksUri() != null) {
			body.put("jwks_uri", client.jwksUri());
		}
		if (client.backchannelLogoutUri() != null) {
			body.put("backchannel_logout_uri", client.backchannelLogoutUri());
			body.put("backchannel_logout_session_required", client.backchannelLogoutSessionRequired());
		}
		body.put("require_pushed_authorization_requests", client.requirePushedAuthorizationRequests());
		body.put("registration_client_uri", clientUri(client.clientId()));
		return body;
	}

	private String clientUri(String clientId) {
		return this.properties.issuerString() + PATH + "/" + clientId;
	}

	private static Optional<String> bearer(String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			return Optional.empty();
		}
		String token = authorization.substring(7).trim();
		return token.isEmpty() ? Optional.empty() : Optional.of(token);
	}

	private static String string(Map<String, Object> metadata, String name) {
		Object value = metadata.get(name);
		if (value == null) {
			return null;
		}
		if (!(value instanceof String text)) {
			throw new InputRejectedException(name, "metadata.string");
		}
		return text;
	}

	private static List<String> strings(Map<String, Object> metadata, String name) {
		Object value = metadata.get(name);
		if (value == null) {
			return null;
		}
		if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
			throw new InputRejectedException(name, "metadata.strings");
		}
		return list.stream().map(String.class::cast).toList();
	}

	private static Boolean bool(Map<String, Object> metadata, String name) {
		Object value = metadata.get(name);
		if (value == null) {
			return null;
		}
		if (!(value instanceof Boolean flag)) {
			throw new InputRejectedException(name, "metadata.boolean");
		}
		return flag;
	}

	/**
	 * RFC 7591 §3.2.2: a redirect URI refused is {@code invalid_redirect_uri}, any other
	 * metadata {@code invalid_client_metadata}.
	 */
	@ExceptionHandler(InputRejectedException.class)
	ResponseEntity<Map<String, String>> refused(InputRejectedException ex) {
		InputRejectedException.Problem first = ex.problems().get(0);
		boolean redirect = ex.problems().stream().anyMatch((problem) -> problem.field().endsWith("redirect_uris"));
		return ResponseEntity.badRequest()
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(Map.of("error", redirect ? "invalid_redirect_uri" : "invalid_client_metadata", "error_description",
					first.field() + ": " + first.code()));
	}

	@ExceptionHandler(InvalidToken.class)
	ResponseEntity<Map<String, String>> invalidToken() {
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
			.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
			.body(Map.of("error", "invalid_token"));
	}

	@ExceptionHandler(NoSuchEntityException.class)
	ResponseEntity<Map<String, String>> gone() {
		return invalidToken();
	}

	/** No usable initial or registration access token. */
	static final class InvalidToken extends RuntimeException {

		private static final long serialVersionUID = 1L;

		InvalidToken() {
			super("invalid_token", null, false, false);
		}

	}

	/** Reads a stored JWK Set back as JSON. */
	private static final class JwksJson {

		static Map<String, Object> parse(String document) {
			try {
				return JSONObjectUtils.parse(document);
			}
			catch (java.text.ParseException ex) {
				throw new IllegalStateException("A stored JWK Set cannot be read", ex);
			}
		}

	}

}
