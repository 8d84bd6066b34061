package dev.lanyard.server.authorization;

import java.net.URL;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.lanyard.server.authorization.StoredAuthorization.StoredToken;
import dev.lanyard.server.login.AuthenticationMethods;
import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.token.TokenHash;
import dev.lanyard.server.user.LanyardUser;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2DeviceCode;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.OAuth2UserCode;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.util.StringUtils;

/**
 * Converts between the framework's {@link OAuth2Authorization} and
 * {@link StoredAuthorization}. Token values become SHA-256 hashes on the way in; on the
 * way out, only the value that was presented can be restored, so the other tokens carry a
 * placeholder ({@code hash:…}) that is never sent to anyone and is recognised when the
 * authorization is saved again. Thread-safe.
 */
final class AuthorizationCodec {

	/** Marks a token value that stands for a stored hash. */
	static final String PLACEHOLDER_PREFIX = "hash:";

	private static final String TYPE = "$type";

	private static final String INSTANT = "$instant";

	/** The members of a stored principal this version writes and reads. */
	private static final Set<String> PRINCIPAL_MEMBERS = Set.of(TYPE, "id", "login_name", "roles", "sid", "auth_time",
			"begun_at", "carried_past", "remote_address", "idp", "factors", "sign_ins_not_before");

	/**
	 * The attribute holding the members of the stored principal that a later version
	 * wrote (during a rolling upgrade): written back into the principal, never stored on
	 * its own.
	 */
	static final String LATER_PRINCIPAL_MEMBERS = "principal.later-members";

	private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
	};

	private final JsonMapper json = JsonMapper.builder().build();

	StoredAuthorization encode(OAuth2Authorization authorization, long version, Instant createdAt) {
		Map<String, Object> attributes = new LinkedHashMap<>();
		String stateHash = null;
		String sessionId = null;
		for (Map.Entry<String, Object> attribute : authorization.getAttributes().entrySet()) {
			String name = attribute.getKey();
			if (AuthorizationAttributes.isStorageDerived(name)) {
				continue;
			}
			if (name.equals(OAuth2ParameterNames.STATE)) {
				stateHash = hashOf((String) attribute.getValue());
				continue;
			}
			if (name.equals(LATER_PRINCIPAL_MEMBERS)) {
				continue;
			}
			if (name.equals(Principal.class.getName()) && attribute.getValue() instanceof Authentication principal) {
				Map<String, Object> encoded = encodePrincipal(principal);
				if (authorization.getAttribute(LATER_PRINCIPAL_MEMBERS) instanceof Map<?, ?> later) {
					later.forEach((member, value) -> encoded.putIfAbsent((String) member, value));
				}
				attributes.put(name, encoded);
				if (principal.getDetails() instanceof LoginDetails login) {
					sessionId = login.sessionId();
				}
				continue;
			}
			if (attribute.getValue() instanceof OAuth2AuthorizationRequest request) {
				attributes.put(name, encodeAuthorizationRequest(request));
				continue;
			}
			if (attribute.getValue() instanceof Set<?> set) {
				// The framework reads some attributes back as sets (the scopes a device
				// asks for, RFC 8628).
				attributes.put(name, Map.of(TYPE, "set", "values", toJsonValue(set)));
				continue;
			}
			attributes.put(name, toJsonValue(attribute.getValue()));
		}
		OAuth2Authorization.Token<OAuth2AccessToken> accessToken = authorization.getAccessToken();
		return new StoredAuthorization(authorization.getId(), authorization.getRegisteredClientId(),
				authorization.getPrincipalName(), authorization.getAuthorizationGrantType().getValue(),
				String.join(" ", authorization.getAuthorizedScopes()), this.json.writeValueAsString(attributes),
				sessionId, stateHash, encodeToken(authorization.getToken(OAuth2AuthorizationCode.class)),
				encodeToken(accessToken),
				(accessToken != null) ? String.join(" ", accessToken.getToken().getScopes()) : null,
				encodeToken(authorization.getRefreshToken()), encodeToken(authorization.getToken(OidcIdToken.class)),
				encodeToken(authorization.getToken(OAuth2DeviceCode.class)),
				encodeToken(authorization.getToken(OAuth2UserCode.class)), version, createdAt);
	}

	/**
	 * Rebuilds the framework's authorization.
	 * @param stored the stored row
	 * @param client its registered client
	 * @param presentedValue the value it was found by; may be {@code null}
	 * @param presentedKind the kind of that value; may be {@code null}
	 */
	OAuth2Authorization decode(StoredAuthorization stored, RegisteredClient client, String presentedValue,
			TokenKind presentedKind) {
		OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(client)
			.id(stored.id())
			.principalName(stored.principalName())
			.authorizationGrantType(new AuthorizationGrantType(stored.grantType()))
			.authorizedScopes(scopes(stored.authorizedScopes()));
		Map<String, Object> attributes = this.json.readValue(stored.attributes(), MAP);
		for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
			builder.attribute(attribute.getKey(), decodeAttribute(attribute.getValue()));
			if (attribute.getKey().equals(Principal.class.getName())
					&& attribute.getValue() instanceof Map<?, ?> principal) {
				// Kept for the way back: a refresh on this node rewrites the row, and the
				// nodes of the later version read them (idp, begun_at were such members).
				Map<String, Object> later = new LinkedHashMap<>();
				principal.forEach((member, value) -> {
					if (!PRINCIPAL_MEMBERS.contains(member)) {
						later.put((String) member, value);
					}
				});
				if (!later.isEmpty()) {
					builder.attribute(LATER_PRINCIPAL_MEMBERS, later);
				}
			}
		}
		if (stored.stateHash() != null) {
			builder.attribute(OAuth2ParameterNames.STATE,
					value(stored.stateHash(), TokenKind.STATE, presentedValue, presentedKind));
		}
		builder.attribute(AuthorizationAttributes.VERSION, stored.version());
		builder.attribute(AuthorizationAttributes.GRANT_STARTED_AT, stored.createdAt());
		StoredToken code = stored.code();
		if (code != null) {
			builder.token(new OAuth2AuthorizationCode(value(code.hash(), TokenKind.CODE, presentedValue, presentedKind),
					code.issuedAt(), code.expiresAt()), (metadata) -> metadata.putAll(metadata(code)));
		}
		StoredToken access = stored.accessToken();
		if (access != null) {
			Map<String, Object> metadata = metadata(access);
			builder.token(
					new OAuth2AccessToken(tokenType(metadata),
							value(access.hash(), TokenKind.ACCESS_TOKEN, presentedValue, presentedKind),
							access.issuedAt(), access.expiresAt(), scopes(stored.accessTokenScopes())),
					(target) -> target.putAll(metadata));
		}
		StoredToken refresh = stored.refreshToken();
		if (refresh != null) {
			builder.token(new OAuth2RefreshToken(
					value(refresh.hash(), TokenKind.REFRESH_TOKEN, presentedValue, presentedKind), refresh.issuedAt(),
					refresh.expiresAt()), (metadata) -> metadata.putAll(metadata(refresh)));
		}
		StoredToken device = stored.deviceCode();
		if (device != null) {
			builder
				.token(new OAuth2DeviceCode(value(device.hash(), TokenKind.DEVICE_CODE, presentedValue, presentedKind),
						device.issuedAt(), device.expiresAt()), (metadata) -> metadata.putAll(metadata(device)));
		}
		StoredToken user = stored.userCode();
		if (user != null) {
			builder.token(new OAuth2UserCode(value(user.hash(), TokenKind.USER_CODE, presentedValue, presentedKind),
					user.issuedAt(), user.expiresAt()), (metadata) -> metadata.putAll(metadata(user)));
		}
		StoredToken id = stored.idToken();
		if (id != null) {
			Map<String, Object> metadata = metadata(id);
			@SuppressWarnings("unchecked")
			Map<String, Object> claims = (Map<String, Object>) metadata
				.get(OAuth2Authorization.Token.CLAIMS_METADATA_NAME);
			builder.token(new OidcIdToken(value(id.hash(), TokenKind.ID_TOKEN, presentedValue, presentedKind),
					id.issuedAt(), id.expiresAt(), claims), (target) -> target.putAll(metadata));
		}
		return builder.build();
	}

	/**
	 * RFC 9449 §6: an access token bound to a DPoP key ({@code cnf.jkt} among its claims)
	 * is of type {@code DPoP}, else {@code Bearer}.
	 */
	private static OAuth2AccessToken.TokenType tokenType(Map<String, Object> metadata) {
		return (metadata.get(OAuth2Authorization.Token.CLAIMS_METADATA_NAME) instanceof Map<?, ?> claims
				&& claims.get("cnf") instanceof Map<?, ?> confirmation && confirmation.get("jkt") instanceof String)
						? OAuth2AccessToken.TokenType.DPOP : OAuth2AccessToken.TokenType.BEARER;
	}

	String toJson(StoredAuthorization stored) {
		return this.json.writeValueAsString(stored);
	}

	StoredAuthorization fromJson(String value) {
		return this.json.readValue(value, StoredAuthorization.class);
	}

	/** The stored hash of a value, which may itself be a placeholder. */
	static String hashOf(String value) {
		if (value == null) {
			return null;
		}
		return value.startsWith(PLACEHOLDER_PREFIX) ? value.substring(PLACEHOLDER_PREFIX.length())
				: TokenHash.of(value);
	}

	private static String value(String hash, TokenKind kind, String presentedValue, TokenKind presentedKind) {
		return (kind == presentedKind && presentedValue != null) ? presentedValue : PLACEHOLDER_PREFIX + hash;
	}

	private StoredToken encodeToken(OAuth2Authorization.Token<? extends OAuth2Token> token) {
		if (token == null) {
			return null;
		}
		Map<String, Object> metadata = new LinkedHashMap<>();
		token.getMetadata().forEach((name, value) -> metadata.put(name, toJsonValue(value)));
		OAuth2Token value = token.getToken();
		return new StoredToken(hashOf(value.getTokenValue()), value.getIssuedAt(), value.getExpiresAt(),
				this.json.writeValueAsString(metadata));
	}

	private Map<String, Object> metadata(StoredToken token) {
		Map<String, Object> metadata = new HashMap<>();
		if (token.metadata() != null) {
			this.json.readValue(token.metadata(), MAP)
				.forEach((name, value) -> metadata.put(name, fromJsonValue(value)));
		}
		return metadata;
	}

	private static Map<String, Object> encodePrincipal(Authentication principal) {
		if (!(principal.getPrincipal() instanceof LanyardUser user)) {
			throw new IllegalStateException("Cannot store a principal of type " + principal.getClass().getName());
		}
		Map<String, Object> encoded = new LinkedHashMap<>();
		encoded.put(TYPE, "user");
		encoded.put("id", user.id().toString());
		encoded.put("login_name", user.loginName());
		encoded.put("roles", user.roles());
		if (user.signInsNotBeforeKept()) {
			// The end of every sign-in the grant's sign-in went on under (null: none):
			// a code is redeemed only while the account still holds it.
			encoded.put("sign_ins_not_before",
					(user.signInsNotBefore() != null) ? user.signInsNotBefore().toString() : null);
		}
		if (principal.getDetails() instanceof LoginDetails login) {
			encoded.put("sid", login.sessionId());
			encoded.put("auth_time", login.authenticatedAt().toString());
			// When the sign-in began here and any cut-off it was carried past: what an
			// end of every sign-in is held against by an older node
			// (LoginDetails#standingFrom).
			encoded.put("begun_at", login.begun().toString());
			if (login.carriedPast() != null) {
				encoded.put("carried_past", login.carriedPast().toString());
			}
			encoded.put("remote_address", login.remoteAddress());
			if (login.identityProvider() != null) {
				encoded.put("idp", login.identityProvider());
			}
			// The factors proven, for amr and acr in every token of the grant.
			List<Map<String, String>> factors = new ArrayList<>();
			for (FactorGrantedAuthority factor : AuthenticationMethods.factorsOf(principal)) {
				Map<String, String> stored = new LinkedHashMap<>();
				stored.put("authority", factor.getAuthority());
				stored.put("issued_at", factor.getIssuedAt().toString());
				factors.add(stored);
			}
			encoded.put("factors", factors);
		}
		return encoded;
	}

	private static Map<String, Object> encodeAuthorizationRequest(OAuth2AuthorizationRequest request) {
		Map<String, Object> encoded = new LinkedHashMap<>();
		encoded.put(TYPE, "authorization_request");
		encoded.put("authorization_uri", request.getAuthorizationUri());
		encoded.put("client_id", request.getClientId());
		encoded.put("redirect_uri", request.getRedirectUri());
		encoded.put("scopes", List.copyOf(request.getScopes()));
		encoded.put("state", request.getState());
		encoded.put("authorization_request_uri", request.getAuthorizationRequestUri());
		encoded.put("additional_parameters", toJsonValue(request.getAdditionalParameters()));
		encoded.put("attributes", toJsonValue(request.getAttributes()));
		return encoded;
	}

	@SuppressWarnings("unchecked")
	private static Object decodeAttribute(Object value) {
		if (value instanceof Map<?, ?> map && map.get(TYPE) instanceof String type) {
			Map<String, Object> encoded = (Map<String, Object>) map;
			return switch (type) {
				case "user" -> decodePrincipal(encoded);
				case "authorization_request" -> decodeAuthorizationRequest(encoded);
				case "set" -> new LinkedHashSet<>((List<Object>) fromJsonValue(encoded.get("values")));
				// Written by a later version (nodes of two versions serve during a
				// rolling upgrade): kept as written, so that it goes back unchanged when
				// this node writes the row again (a refresh), for the nodes that read it.
				// A grant this node cannot read whole used to fail every use of it here.
				default -> encoded;
			};
		}
		return fromJsonValue(value);
	}

	@SuppressWarnings("unchecked")
	private static Authentication decodePrincipal(Map<String, Object> encoded) {
		UUID id = UUID.fromString((String) encoded.get("id"));
		String loginName = (String) encoded.get("login_name");
		List<String> roles = (List<String>) encoded.get("roles");
		// A grant stored by an older node keeps no end of every sign-in: judged by its
		// sign-in time.
		LanyardUser user = encoded.containsKey("sign_ins_not_before") ? new LanyardUser(id, loginName, null, true,
				false, roles,
				(encoded.get("sign_ins_not_before") instanceof String notBefore) ? Instant.parse(notBefore) : null)
				: new LanyardUser(id, loginName, null, true, false, roles);
		List<GrantedAuthority> authorities = new ArrayList<>(user.getAuthorities());
		LoginDetails login = null;
		if (encoded.get("sid") instanceof String sid) {
			login = new LoginDetails(sid, Instant.parse((String) encoded.get("auth_time")),
					(String) encoded.get("remote_address"), null, (String) encoded.get("idp"),
					(encoded.get("carried_past") instanceof String carried) ? Instant.parse(carried) : null,
					(encoded.get("begun_at") instanceof String begun) ? Instant.parse(begun) : null);
			// The factors the user signed in with, as Spring Security records them
			// (grants stored before factors were kept: the password).
			List<Map<String, String>> factors = (encoded.get("factors") instanceof List<?> stored)
					? (List<Map<String, String>>) stored
					: List.of(Map.of("authority", FactorGrantedAuthority.PASSWORD_AUTHORITY, "issued_at",
							login.authenticatedAt().toString()));
			for (Map<String, String> factor : factors) {
				authorities.add(FactorGrantedAuthority.withAuthority(factor.get("authority"))
					.issuedAt(Instant.parse(factor.get("issued_at")))
					.build());
			}
		}
		UsernamePasswordAuthenticationToken authentication = UsernamePasswordAuthenticationToken.authenticated(user,
				null, authorities);
		authentication.setDetails(login);
		return authentication;
	}

	@SuppressWarnings("unchecked")
	private static OAuth2AuthorizationRequest decodeAuthorizationRequest(Map<String, Object> encoded) {
		Map<String, Object> additional = new LinkedHashMap<>();
		((Map<String, Object>) encoded.getOrDefault("additional_parameters", Map.of())).forEach((name, value) -> {
			Object decoded = fromJsonValue(value);
			additional.put(name, (decoded instanceof List<?> list) ? list.toArray(new String[0]) : decoded);
		});
		Map<String, Object> requestAttributes = (Map<String, Object>) fromJsonValue(
				encoded.getOrDefault("attributes", Map.of()));
		return OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri((String) encoded.get("authorization_uri"))
			.clientId((String) encoded.get("client_id"))
			.redirectUri((String) encoded.get("redirect_uri"))
			.scopes(new LinkedHashSet<>((List<String>) encoded.get("scopes")))
			.state((String) encoded.get("state"))
			.authorizationRequestUri((String) encoded.get("authorization_request_uri"))
			.additionalParameters(additional)
			.attributes((attributes) -> attributes.putAll(requestAttributes))
			.build();
	}

	/** A value made of JSON types; instants are tagged so they come back as instants. */
	private static Object toJsonValue(Object value) {
		if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
			return value;
		}
		if (value instanceof Instant instant) {
			return Map.of(INSTANT, instant.toString());
		}
		if (value instanceof URL url) {
			return url.toString();
		}
		if (value instanceof String[] array) {
			return Arrays.asList(array);
		}
		if (value instanceof Collection<?> collection) {
			List<Object> list = new ArrayList<>();
			collection.forEach((element) -> list.add(toJsonValue(element)));
			return list;
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> converted = new LinkedHashMap<>();
			map.forEach((name, element) -> converted.put(String.valueOf(name), toJsonValue(element)));
			return converted;
		}
		throw new IllegalStateException("Cannot store a value of type " + value.getClass().getName());
	}

	private static Object fromJsonValue(Object value) {
		if (value instanceof Map<?, ?> map) {
			if (map.size() == 1 && map.get(INSTANT) instanceof String instant) {
				return Instant.parse(instant);
			}
			Map<String, Object> converted = new LinkedHashMap<>();
			map.forEach((name, element) -> converted.put((String) name, fromJsonValue(element)));
			return converted;
		}
		if (value instanceof List<?> list) {
			List<Object> converted = new ArrayList<>();
			list.forEach((element) -> converted.add(fromJsonValue(element)));
			return converted;
		}
		return value;
	}

	private static Set<String> scopes(String value) {
		if (!StringUtils.hasText(value)) {
			return Set.of();
		}
		return new LinkedHashSet<>(Arrays.asList(value.split(" ")));
	}

}
