package dev.lanyard.server.registration;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
import dev.lanyard.server.token.TokenHash;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
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
@RequestMapping(path = DynamicRegistrationController.PATH, produces = MediaType.APPLICATION_JSON_VALUE)
class DynamicRegistrationController {

	static final String PATH = "/connect/register";

	private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token", "client_credentials");

	private final ClientService clients;

	private final RegistrationTokens tokens;

	private final DynamicRegistrations registrations;

	private final AuditLog audit;

	private final LanyardProperties properties;

	private final MessageSource messages;

	DynamicRegistrationController(ClientService clients, RegistrationTokens tokens, DynamicRegistrations registrations,
			AuditLog audit, LanyardProperties properties, MessageSource messages) {
		this.clients = clients;
		this.tokens = tokens;
		this.registrations = registrations;
		this.audit = audit;
		this.properties = properties;
		this.messages = messages;
	}

	/** RFC 7591 §3.1. */
	@PostMapping
	ResponseEntity<Map<String, Object>> register(
			@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody Map<String, Object> metadata, HttpServletRequest request) {
		String initialToken = bearer(authorization).orElseThrow(InvalidToken::new);
		// The token first (read only), then the metadata: a refused request costs no
		// registration, and nobody without a token gets past this.
		if (!this.tokens.usable(initialToken)) {
			throw new InvalidToken();
		}
		ClientRegistration registration = registration(
				"dyn-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20), metadata, null);
		requireValid(registration);
		DynamicRegistrations.Registered registered = this.registrations.register(initialToken, registration,
				request.getRemoteAddr());
		if (registered == null) {
			throw new InvalidToken();
		}
		ClientService.ClientWithSecret created = registered.client();
		String accessToken = registered.accessToken();
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
		DynamicRegistrations.Managed managed = this.registrations.read(clientId, accessToken(authorization));
		if (managed == null) {
			throw new InvalidToken();
		}
		return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(answer(managed));
	}

	/** RFC 7592 §2.2: the metadata sent replace the client's. */
	/**
	 * HEAD would use the registration access token up (its answer names the next one, and
	 * a HEAD answer has no body): refused, where Spring would run the read for it.
	 */
	@RequestMapping(path = "/{clientId}", method = RequestMethod.HEAD)
	ResponseEntity<Void> head() {
		return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED)
			.allow(HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE)
			.build();
	}

	@PutMapping("/{clientId}")
	ResponseEntity<Map<String, Object>> update(@PathVariable String clientId,
			@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestBody Map<String, Object> metadata, HttpServletRequest request) {
		DynamicRegistrations.Managed managed = this.registrations.update(clientId, accessToken(authorization),
				(current) -> {
					if (!clientId.equals(metadata.get("client_id"))) {
						throw new InputRejectedException("client_id", "client-id.mismatch");
					}
					// RFC 7592 §2.2: a secret sent back must be the client's own; it
					// is not changed.
					Object secret = metadata.get("client_secret");
					if (secret != null && !(secret instanceof String text
							&& TokenHash.matches(text, current.clientSecretHash()))) {
						throw new InputRejectedException("client_secret", "client-secret.mismatch");
					}
					ClientRegistration registration = registration(clientId, metadata, current);
					requireValid(registration);
					return registration;
				}, request.getRemoteAddr());
		if (managed == null) {
			throw new InvalidToken();
		}
		return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(answer(managed));
	}

	/** RFC 7592 §2.3: the client and every grant it holds go. */
	@DeleteMapping("/{clientId}")
	ResponseEntity<Void> delete(@PathVariable String clientId,
			@RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			HttpServletRequest request) {
		if (!this.registrations.delete(clientId, accessToken(authorization), request.getRemoteAddr())) {
			throw new InvalidToken();
		}
		return ResponseEntity.noContent().build();
	}

	/**
	 * The registration access token of a request (RFC 7592 §2: an unknown client and a
	 * wrong token look the same).
	 */
	private static String accessToken(String authorization) {
		return bearer(authorization).orElseThrow(InvalidToken::new);
	}

	/**
	 * RFC 7592 §3: every answer about a registration carries its registration access
	 * token. Lanyard keeps only a hash, so it hands out a new one and the old one stops.
	 */
	private Map<String, Object> answer(DynamicRegistrations.Managed managed) {
		Map<String, Object> body = metadata(managed.client());
		body.put("registration_access_token", managed.accessToken());
		return body;
	}

	private void requireValid(ClientRegistration registration) {
		List<InputRejectedException.Problem> problems = new ArrayList<>(
				dev.lanyard.server.client.ClientValidator.validate(registration));
		List<String> allowed = this.properties.registration().scopes();
		if (!allowed.containsAll(registration.scopes())) {
			problems.add(new InputRejectedException.Problem("scope", "scope.not-allowed-dynamic"));
		}
		for (Map.Entry<String, String> url : Map
			.of("jwks_uri", nullToEmpty(registration.jwksUri()), "backchannel_logout_uri",
					nullToEmpty(registration.backchannelLogoutUri()), "logo_uri", nullToEmpty(registration.logoUri()))
			.entrySet()) {
			if (!url.getValue().isEmpty() && !PublicUrls.isPublicHttps(url.getValue())) {
				problems.add(new InputRejectedException.Problem(url.getKey(), "url.not-public-https"));
			}
		}
		if (!problems.isEmpty()) {
			throw new InputRejectedException(problems);
		}
	}

	private static String nullToEmpty(String value) {
		return (value != null) ? value : "";
	}

	/**
	 * RFC 7591 §2 metadata as a registration, with the rules for dynamic clients. What
	 * RFC 7591 does not name (lifetimes, enabled) is the current client's, or the
	 * defaults.
	 */
	private ClientRegistration registration(String clientId, Map<String, Object> metadata, OAuthClient current) {
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

		Object jwks = metadata.get("jwks");
		if (jwks != null && !(jwks instanceof Map)) {
			throw new InputRejectedException("jwks", "jwks.invalid");
		}
		@SuppressWarnings("unchecked")
		String jwksJson = (jwks != null) ? JSONObjectUtils.toJSONString((Map<String, Object>) jwks) : null;
		boolean publicClient = "none".equals(method);
		List<String> redirectUris = strings(metadata, "redirect_uris");
		List<String> postLogout = strings(metadata, "post_logout_redirect_uris");
		if (current != null && method == null) {
			// Unnamed on update: the client's type, method and keys stay.
			publicClient = current.isPublic();
		}
		return new ClientRegistration(clientId, string(metadata, "client_name"), string(metadata, "logo_uri"),
				publicClient, null, (method != null || current != null) ? method : OAuthClient.AUTH_CLIENT_SECRET_BASIC,
				jwksJson, string(metadata, "jwks_uri"), (redirectUris != null) ? redirectUris : List.of(),
				(postLogout != null) ? postLogout : List.of(), new LinkedHashSet<>(grantTypes), scopes, null, true,
				(current != null) ? current.accessTokenTtl() : null,
				(current != null) ? current.refreshTokenIdle() : null,
				(current != null) ? current.refreshTokenMax() : null, List.of(), false,
				keptIfSet(bool(metadata, "require_pushed_authorization_requests"),
						current != null && current.requirePushedAuthorizationRequests()),
				keptIfSet(bool(metadata, "dpop_bound_access_tokens"),
						current != null && current.dpopBoundAccessTokens()),
				// An administrator's word, which the client's own registration keeps.
				(current != null) ? current.requireMfa() : null, string(metadata, "backchannel_logout_uri"),
				bool(metadata, "backchannel_logout_session_required"), (current != null) ? current.enabled() : true);
	}

	/** A client's metadata as RFC 7591 §3.2.1 answers it (never its secret). */
	private Map<String, Object> metadata(OAuthClient client) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("client_id", client.clientId());
		body.put("client_id_issued_at", client.clientIdIssuedAt().getEpochSecond());
		body.put("client_name", client.clientName());
		if (client.logoUri() != null) {
			body.put("logo_uri", client.logoUri());
		}
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
		body.put("dpop_bound_access_tokens", client.dpopBoundAccessTokens());
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

	/**
	 * A protection the client holds stays, whatever its update says: it may ask for DPoP
	 * or pushed requests, not drop them (RFC 7592 §2.2 lets the server keep values of its
	 * own; an administrator may have set them, and lowering them asks an administrator's
	 * recent sign-in in the console and the API).
	 */
	private static Boolean keptIfSet(Boolean asked, boolean held) {
		return held ? Boolean.TRUE : asked;
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
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(Map.of("error", redirect ? "invalid_redirect_uri" : "invalid_client_metadata", "error_description",
					first.field() + ": " + this.messages.getMessage(first.code(), null, first.code(), Locale.ENGLISH)));
	}

	/** RFC 7591 §3.2.2: a body that is not a JSON object of metadata. */
	@ExceptionHandler({ HttpMessageNotReadableException.class, HttpMediaTypeNotSupportedException.class })
	ResponseEntity<Map<String, String>> unreadable() {
		return ResponseEntity.badRequest()
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(Map.of("error", "invalid_client_metadata", "error_description",
					"The body must be a JSON object of client metadata"));
	}

	@ExceptionHandler(InvalidToken.class)
	ResponseEntity<Map<String, String>> invalidToken() {
		// RFC 6750 §3.1: a token was sent (RegistrationRequestLimits answers requests
		// without one) and it is not good.
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
			.contentType(MediaType.APPLICATION_JSON)
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
