package dev.lanyard.server.protocol;

import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.lanyard.server.LanyardProperties;
import dev.lanyard.server.client.ClientKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Takes signed request objects (RFC 9101 JAR, OpenID Connect Core §6.1) from clients with
 * registered keys, at the authorization endpoint and the pushed authorization request
 * endpoint. The object must be a JWS (never {@code none}, never encrypted) signed with
 * one of the client's keys ({@link ClientKeySources}) and one of
 * {@link ClientKeys#SIGNING_ALGORITHMS}; {@code typ} absent, {@code JWT} or
 * {@code oauth-authz-req+jwt}; {@code iss} and {@code client_id} the client; {@code aud}
 * naming the issuer; {@code exp} present and at most an hour ahead; {@code nbf} not
 * ahead; no {@code request} or {@code request_uri} inside. Its claims are then the
 * request (RFC 9101 §6.3: parameters outside it are not read, but for {@code client_id}
 * and, at the pushed request endpoint, the client's authentication), shown to every rule
 * after this filter as plain parameters ({@link ReplacedAuthorizationRequest}).
 * <p>
 * An object that fails is left in the request and marked ({@link #refusal}): the early
 * refusals answer {@code invalid_request_object}. A client without keys gets
 * {@code request_not_supported}, as before.
 */
final class RequestObjectParameters extends OncePerRequestFilter {

	/** RFC 9101 §10.8. */
	static final String TYPE = "oauth-authz-req+jwt";

	/** How far ahead a request object's {@code exp} may be (FAPI 2.0 Message Signing). */
	static final Duration MAXIMUM_LIFETIME = Duration.ofMinutes(60);

	private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

	private static final int MAXIMUM_LENGTH = 64 * 1024;

	private static final String REFUSAL = RequestObjectParameters.class.getName() + ".REFUSAL";

	/** The claims of a request object that describe the object, not the request. */
	private static final Set<String> ENVELOPE = Set.of("iss", "aud", "exp", "nbf", "iat", "jti", "sub");

	/** Parameters of the pushed request endpoint that are the client's authentication. */
	private static final List<String> CLIENT_AUTHENTICATION = List.of(OAuth2ParameterNames.CLIENT_ASSERTION,
			OAuth2ParameterNames.CLIENT_ASSERTION_TYPE, OAuth2ParameterNames.CLIENT_SECRET);

	private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
			JOSEObjectType.JWT, new JOSEObjectType(TYPE), new JOSEObjectType("application/" + TYPE), null);

	private static final Logger logger = LoggerFactory.getLogger(RequestObjectParameters.class);

	private final RegisteredClientRepository clients;

	private final ClientKeySources keySources;

	private final LanyardProperties properties;

	private final Clock clock;

	RequestObjectParameters(RegisteredClientRepository clients, ClientKeySources keySources,
			LanyardProperties properties, Clock clock) {
		this.clients = clients;
		this.keySources = keySources;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Why the request object of this request was refused, or {@code null} when it was
	 * taken or there was none.
	 */
	static String refusal(HttpServletRequest request) {
		return (String) request.getAttribute(REFUSAL);
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getServletPath();
		// A POST with a query string is left as it came: it is refused.
		return !("/oauth2/authorize".equals(path) || "/oauth2/par".equals(path))
				|| request.getParameter("request") == null
				|| (!"GET".equals(request.getMethod()) && request.getQueryString() != null);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
		String[] objects = request.getParameterValues("request");
		RegisteredClient client = (clientIds != null && clientIds.length == 1)
				? this.clients.findByClientId(clientIds[0]) : null;
		JWKSource<SecurityContext> keys = (client != null) ? this.keySources.of(client) : null;
		if (keys == null || objects.length != 1) {
			// No keys to check it with: request_not_supported, as before.
			chain.doFilter(request, response);
			return;
		}
		JWTClaimsSet claims;
		try {
			claims = verified(objects[0], client, keys);
		}
		catch (RefusedObject ex) {
			refuse(request, response, chain, client, ex.getMessage());
			return;
		}
		Map<String, String[]> parameters = new LinkedHashMap<>();
		for (Map.Entry<String, Object> claim : claims.getClaims().entrySet()) {
			String value = parameter(claim.getKey(), claim.getValue());
			if (value == null && !ENVELOPE.contains(claim.getKey()) && claim.getValue() != null) {
				refuse(request, response, chain, client, "\"" + claim.getKey() + "\" is not a string");
				return;
			}
			if (value != null && !ENVELOPE.contains(claim.getKey())) {
				parameters.put(claim.getKey(), new String[] { value });
			}
		}
		Map<String, String[]> brought = new LinkedHashMap<>();
		brought.put(OAuth2ParameterNames.CLIENT_ID, clientIds);
		brought.put("request", objects);
		if ("/oauth2/par".equals(request.getServletPath())) {
			for (String name : CLIENT_AUTHENTICATION) {
				if (request.getParameterValues(name) != null) {
					parameters.put(name, request.getParameterValues(name));
				}
			}
		}
		ReplacedAuthorizationRequest.proceed(request, response, chain, parameters, "object", brought,
				"request:" + dev.lanyard.server.token.TokenHash.of(objects[0]));
	}

	private static void refuse(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
			RegisteredClient client, String reason) throws IOException, ServletException {
		logger.debug("Request object of {} refused: {}", client.getClientId(), reason);
		request.setAttribute(REFUSAL, reason);
		chain.doFilter(request, response);
	}

	/**
	 * A claim's value as a request parameter (OpenID Connect Core §6.1): strings; a
	 * number for {@code max_age}; a JSON object for {@code claims}. {@code null} for any
	 * other value, which is refused.
	 */
	private static String parameter(String name, Object value) {
		if (value instanceof String text) {
			return text;
		}
		if ("max_age".equals(name) && value instanceof Number number) {
			return number.toString();
		}
		if ("claims".equals(name) && value instanceof Map<?, ?> map) {
			@SuppressWarnings("unchecked")
			Map<String, Object> object = (Map<String, Object>) map;
			return JSONObjectUtils.toJSONString(object);
		}
		return null;
	}

	private JWTClaimsSet verified(String object, RegisteredClient client, JWKSource<SecurityContext> keys)
			throws RefusedObject {
		if (object.length() > MAXIMUM_LENGTH) {
			throw new RefusedObject("too long");
		}
		SignedJWT jwt;
		try {
			if (!(JWTParser.parse(object) instanceof SignedJWT signed)) {
				throw new RefusedObject("not a signed JWT");
			}
			jwt = signed;
		}
		catch (ParseException ex) {
			throw new RefusedObject("not a JWT");
		}
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSTypeVerifier(TYPES);
		Set<JWSAlgorithm> algorithms = new HashSet<>(ClientKeys.SIGNING_ALGORITHMS);
		processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, keys));
		processor.setJWTClaimsSetVerifier((claims, context) -> {
		});
		JWTClaimsSet claims;
		try {
			claims = processor.process(jwt, null);
		}
		catch (BadJOSEException | JOSEException | RuntimeException ex) {
			throw new RefusedObject(ex.getMessage());
		}
		String clientId = client.getClientId();
		Instant now = this.clock.instant();
		Object inner = claims.getClaim(OAuth2ParameterNames.CLIENT_ID);
		if (!clientId.equals(claims.getIssuer()) || !clientId.equals(inner)) {
			throw new RefusedObject("iss and client_id must be the client");
		}
		if (claims.getAudience() == null || !claims.getAudience().contains(this.properties.issuerString())) {
			throw new RefusedObject("aud must name the issuer");
		}
		Date expiresAt = claims.getExpirationTime();
		if (expiresAt == null || expiresAt.toInstant().isBefore(now.minus(CLOCK_SKEW))) {
			throw new RefusedObject("expired or without exp");
		}
		if (expiresAt.toInstant().isAfter(now.plus(MAXIMUM_LIFETIME).plus(CLOCK_SKEW))) {
			throw new RefusedObject("exp is too far ahead");
		}
		if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().toInstant().isAfter(now.plus(CLOCK_SKEW))) {
			throw new RefusedObject("not valid yet");
		}
		if (claims.getClaim("request") != null || claims.getClaim(OAuth2ParameterNames.REQUEST_URI) != null) {
			throw new RefusedObject("a request object within a request object");
		}
		return claims;
	}

	/** Why a request object was not taken. */
	private static final class RefusedObject extends Exception {

		private static final long serialVersionUID = 1L;

		RefusedObject(String message) {
			super(message, null, false, false);
		}

	}

}
