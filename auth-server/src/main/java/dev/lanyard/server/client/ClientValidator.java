package dev.lanyard.server.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.lanyard.server.InputRejectedException;
import dev.lanyard.server.PlainText;

import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * The rules a client registration must follow. Stateless and thread-safe.
 */
public final class ClientValidator {

	/**
	 * Grant types Lanyard serves; implicit and password never (RFC 9700 §2.1.2, §2.4).
	 */
	public static final Set<String> SUPPORTED_GRANT_TYPES = Set.of(AuthorizationGrantType.AUTHORIZATION_CODE.getValue(),
			AuthorizationGrantType.REFRESH_TOKEN.getValue(), AuthorizationGrantType.CLIENT_CREDENTIALS.getValue(),
			AuthorizationGrantType.DEVICE_CODE.getValue(), AuthorizationGrantType.TOKEN_EXCHANGE.getValue());

	/** How a client may authenticate (RFC 7591 §2); it uses the one it registered. */
	public static final Set<String> TOKEN_ENDPOINT_AUTH_METHODS = Set.of(OAuthClient.AUTH_CLIENT_SECRET_BASIC,
			OAuthClient.AUTH_CLIENT_SECRET_POST, OAuthClient.AUTH_PRIVATE_KEY_JWT, OAuthClient.AUTH_NONE);

	/** The most redirect URIs (and exchange audiences) one client may register. */
	public static final int MAXIMUM_URIS = 20;

	/** The most scopes one client may register. */
	public static final int MAXIMUM_SCOPES = 50;

	/** The shortest client secret an operator may supply. */
	public static final int MINIMUM_SECRET_LENGTH = 32;

	private static final Duration MINIMUM_ACCESS_TOKEN_TTL = Duration.ofSeconds(1);

	private static final Duration MAXIMUM_ACCESS_TOKEN_TTL = Duration.ofHours(24);

	private static final Duration MINIMUM_REFRESH_TOKEN_TTL = Duration.ofSeconds(1);

	private static final Duration MAXIMUM_REFRESH_TOKEN_TTL = Duration.ofDays(365);

	private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

	/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
	private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,100}");

	private static final Pattern AUDIENCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

	private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "localhost");

	private ClientValidator() {
	}

	/** Every rule the registration breaks; empty when it is acceptable. */
	public static List<InputRejectedException.Problem> validate(ClientRegistration registration) {
		List<InputRejectedException.Problem> errors = new ArrayList<>();
		if (registration.clientId() == null || !CLIENT_ID.matcher(registration.clientId()).matches()) {
			errors.add(new InputRejectedException.Problem("client_id", "client-id.format"));
		}
		else if (isUuid(registration.clientId())) {
			// RFC 9700 §4.15: a client's sub must never equal a user's sub (user subs are
			// UUIDs).
			errors.add(new InputRejectedException.Problem("client_id", "client-id.uuid"));
		}
		if (registration.clientName() != null && registration.clientName().length() > 200) {
			errors.add(new InputRejectedException.Problem("client_name", "client-name.length"));
		}
		else if (registration.clientName() != null && !PlainText.isPlain(registration.clientName())) {
			// Shown on the consent and device pages as who asks: a name that displays as
			// another (bidi controls) or breaks the line would speak for someone else.
			errors.add(new InputRejectedException.Problem("client_name", "client-name.format"));
		}
		if (registration.logoUri() != null) {
			// Loaded by the person's browser on Lanyard's own pages: https only, so the
			// page stays free of mixed content (http on the loopback interface for
			// development), and named in the page's Content-Security-Policy.
			serverUrlError(registration.logoUri()).ifPresent(
					(problem) -> errors.add(new InputRejectedException.Problem("logo_uri", "logo-uri." + problem)));
		}
		String method = registration.effectiveTokenEndpointAuthMethod();
		if (!TOKEN_ENDPOINT_AUTH_METHODS.contains(method)) {
			errors.add(new InputRejectedException.Problem("token_endpoint_auth_method",
					"token-endpoint-auth-method.unsupported"));
		}
		else if (registration.publicClient() != OAuthClient.AUTH_NONE.equals(method)) {
			errors.add(new InputRejectedException.Problem("token_endpoint_auth_method",
					"token-endpoint-auth-method.client-type"));
		}
		keyErrors(registration, method, errors);
		if (registration.clientSecret() != null) {
			if (OAuthClient.AUTH_PRIVATE_KEY_JWT.equals(method)) {
				errors.add(new InputRejectedException.Problem("client_secret", "client-secret.private-key-jwt"));
			}
			else if (registration.publicClient()) {
				errors.add(new InputRejectedException.Problem("client_secret", "client-secret.public"));
			}
			else if (registration.clientSecret().length() < MINIMUM_SECRET_LENGTH) {
				errors.add(new InputRejectedException.Problem("client_secret", "client-secret.too-short"));
			}
		}
		if (registration.grantTypes().isEmpty()) {
			errors.add(new InputRejectedException.Problem("grant_types", "grant-types.empty"));
		}
		for (String grantType : registration.grantTypes()) {
			if (!SUPPORTED_GRANT_TYPES.contains(grantType)) {
				errors.add(new InputRejectedException.Problem("grant_types", "grant-types.unsupported"));
			}
		}
		if (registration.publicClient()
				&& (registration.grantTypes().contains(AuthorizationGrantType.CLIENT_CREDENTIALS.getValue())
						|| registration.grantTypes().contains(AuthorizationGrantType.TOKEN_EXCHANGE.getValue()))) {
			errors.add(new InputRejectedException.Problem("grant_types", "grant-types.public-client"));
		}
		if (registration.publicClient() && Boolean.FALSE.equals(registration.requirePkce())) {
			// RFC 9700 §2.1.1: public clients MUST use PKCE.
			errors.add(new InputRejectedException.Problem("require_pkce", "require-pkce.public-client"));
		}
		boolean authorizationCode = registration.grantTypes()
			.contains(AuthorizationGrantType.AUTHORIZATION_CODE.getValue());
		if (authorizationCode && registration.redirectUris().isEmpty()) {
			errors.add(new InputRejectedException.Problem("redirect_uris", "redirect-uris.empty"));
		}
		// A person's grant (code or device, RFC 8628) is what a refresh token continues.
		if (registration.grantTypes().contains(AuthorizationGrantType.REFRESH_TOKEN.getValue()) && !authorizationCode
				&& !registration.grantTypes().contains(AuthorizationGrantType.DEVICE_CODE.getValue())) {
			errors.add(new InputRejectedException.Problem("grant_types", "grant-types.refresh-without-code"));
		}
		for (String uri : registration.redirectUris()) {
			redirectUriError(uri)
				.ifPresent((code) -> errors.add(new InputRejectedException.Problem("redirect_uris", code)));
		}
		for (String uri : registration.postLogoutRedirectUris()) {
			redirectUriError(uri)
				.ifPresent((code) -> errors.add(new InputRejectedException.Problem("post_logout_redirect_uris", code)));
		}
		if (registration.backchannelLogoutUri() != null) {
			// OpenID Connect Back-Channel Logout 1.0 §2.2: for clients users sign in to.
			if (!authorizationCode) {
				errors.add(new InputRejectedException.Problem("backchannel_logout_uri",
						"backchannel-logout-uri.without-code"));
			}
			serverUrlError(registration.backchannelLogoutUri()).ifPresent((problem) -> errors.add(
					new InputRejectedException.Problem("backchannel_logout_uri", "backchannel-logout-uri." + problem)));
		}
		else if (Boolean.TRUE.equals(registration.backchannelLogoutSessionRequired())) {
			errors.add(new InputRejectedException.Problem("backchannel_logout_session_required",
					"backchannel-logout-session.without-uri"));
		}
		// Bounded lists: what is stored and compared on every request stays small.
		if (registration.redirectUris().size() > MAXIMUM_URIS) {
			errors.add(new InputRejectedException.Problem("redirect_uris", "redirect-uris.too-many"));
		}
		if (registration.postLogoutRedirectUris().size() > MAXIMUM_URIS) {
			errors.add(new InputRejectedException.Problem("post_logout_redirect_uris", "redirect-uris.too-many"));
		}
		if (registration.scopes().size() > MAXIMUM_SCOPES) {
			errors.add(new InputRejectedException.Problem("scope", "scope.too-many"));
		}
		if (registration.exchangeAudiences().size() > MAXIMUM_URIS) {
			errors.add(new InputRejectedException.Problem("exchange_audiences", "exchange-audience.too-many"));
		}
		for (String scope : registration.scopes()) {
			if (!SCOPE.matcher(scope).matches()) {
				errors.add(new InputRejectedException.Problem("scope", "scope.format"));
			}
		}
		for (String audience : registration.exchangeAudiences()) {
			if (!AUDIENCE.matcher(audience).matches()) {
				errors.add(new InputRejectedException.Problem("exchange_audiences", "exchange-audience.format"));
			}
		}
		if (!registration.exchangeAudiences().isEmpty()
				&& !registration.grantTypes().contains(AuthorizationGrantType.TOKEN_EXCHANGE.getValue())) {
			errors.add(new InputRejectedException.Problem("exchange_audiences", "exchange-audience.without-grant"));
		}
		if (registration.publicClient() && Boolean.TRUE.equals(registration.requirePushedAuthorizationRequests())) {
			// The pushed authorization request endpoint takes authenticated clients only.
			errors.add(new InputRejectedException.Problem("require_pushed_authorization_requests",
					"require-par.public-client"));
		}
		if (registration.publicClient() && Boolean.TRUE.equals(registration.introspectionAllowed())) {
			// RFC 7662 §2.1: introspection is for authenticated (confidential) clients.
			errors.add(new InputRejectedException.Problem("introspection_allowed", "introspection.public-client"));
		}
		within(registration.accessTokenTtl(), MINIMUM_ACCESS_TOKEN_TTL, MAXIMUM_ACCESS_TOKEN_TTL, "access_token_ttl",
				"duration.access-token-range", errors);
		within(registration.refreshTokenIdle(), MINIMUM_REFRESH_TOKEN_TTL, MAXIMUM_REFRESH_TOKEN_TTL,
				"refresh_token_idle", "duration.refresh-token-range", errors);
		within(registration.refreshTokenMax(), MINIMUM_REFRESH_TOKEN_TTL, MAXIMUM_REFRESH_TOKEN_TTL,
				"refresh_token_max", "duration.refresh-token-range", errors);
		return errors.stream().distinct().toList();
	}

	/**
	 * RFC 7523 §3 and OpenID Connect Core §9: a client that signs its assertions
	 * registers the keys to check them with, inline or by URL (RFC 7591 §2: "MUST NOT
	 * both be present"); other clients register none.
	 */
	private static void keyErrors(ClientRegistration registration, String method,
			List<InputRejectedException.Problem> errors) {
		boolean inline = registration.jwks() != null;
		boolean byUrl = registration.jwksUri() != null;
		if (!OAuthClient.AUTH_PRIVATE_KEY_JWT.equals(method)) {
			if (inline || byUrl) {
				errors.add(new InputRejectedException.Problem(inline ? "jwks" : "jwks_uri", "jwks.without-method"));
			}
			return;
		}
		if (inline && byUrl) {
			errors.add(new InputRejectedException.Problem("jwks", "jwks.both"));
		}
		else if (!inline && !byUrl) {
			errors.add(new InputRejectedException.Problem("jwks", "jwks.required"));
		}
		if (inline) {
			ClientKeys.jwksError(registration.jwks())
				.ifPresent((code) -> errors.add(new InputRejectedException.Problem("jwks", code)));
		}
		if (byUrl) {
			ClientKeys.jwksUriError(registration.jwksUri())
				.ifPresent((code) -> errors.add(new InputRejectedException.Problem("jwks_uri", code)));
		}
	}

	/**
	 * Why a URL Lanyard itself or the person's browser calls (a {@code jwks_uri}, a
	 * {@code backchannel_logout_uri}, a {@code logo_uri}) cannot be registered:
	 * {@code invalid} unless absolute, without user information or fragment;
	 * {@code https-required} unless {@code https} (plain {@code http} only on the
	 * loopback interface, for development).
	 */
	public static Optional<String> serverUrlError(String value) {
		if (value.isBlank() || value.length() > 2000) {
			return Optional.of("invalid");
		}
		URI uri;
		try {
			uri = new URI(value);
		}
		catch (URISyntaxException ex) {
			return Optional.of("invalid");
		}
		if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null || uri.getRawUserInfo() != null
				|| uri.getRawFragment() != null) {
			return Optional.of("invalid");
		}
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		if (scheme.equals("https")
				|| scheme.equals("http") && LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
			return Optional.empty();
		}
		return Optional.of("https-required");
	}

	/**
	 * Why a redirect URI is not acceptable, as a message key (RFC 9700 §2.1 and §4.1:
	 * exact, absolute, no fragment, no wildcard; RFC 6749 §3.1.2; RFC 8252 §7.3 for
	 * loopback).
	 */
	public static Optional<String> redirectUriError(String value) {
		if (value == null || value.isBlank() || value.length() > 2000) {
			return Optional.of("redirect-uri.invalid");
		}
		if (value.contains("*")) {
			return Optional.of("redirect-uri.wildcard");
		}
		URI uri;
		try {
			uri = new URI(value);
		}
		catch (URISyntaxException ex) {
			return Optional.of("redirect-uri.invalid");
		}
		if (!uri.isAbsolute() || uri.isOpaque()) {
			return Optional.of("redirect-uri.not-absolute");
		}
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		if (!scheme.equals("https") && !scheme.equals("http")) {
			return Optional.of("redirect-uri.scheme");
		}
		if (uri.getRawFragment() != null) {
			return Optional.of("redirect-uri.fragment");
		}
		if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawAuthority().endsWith(":")
				|| uri.getPort() == 0 || uri.getPort() > 65535) {
			return Optional.of("redirect-uri.invalid");
		}
		if (scheme.equals("http") && !LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
			return Optional.of("redirect-uri.https-required");
		}
		String query = uri.getRawQuery();
		if (query != null) {
			for (String parameter : query.split("&")) {
				String name = parameter.split("=", 2)[0];
				if (name.equals("code") || name.equals("state") || name.equals("iss") || name.equals("error")) {
					return Optional.of("redirect-uri.reserved-parameter");
				}
			}
		}
		return Optional.empty();
	}

	private static void within(Duration duration, Duration minimum, Duration maximum, String field, String code,
			List<InputRejectedException.Problem> errors) {
		if (duration != null && (duration.compareTo(minimum) < 0 || duration.compareTo(maximum) > 0)) {
			errors.add(new InputRejectedException.Problem(field, code));
		}
	}

	private static boolean isUuid(String value) {
		try {
			UUID.fromString(value);
			return value.length() == 36;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
