package dev.lanyard.server.exchange;

import java.security.Principal;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import dev.lanyard.server.dpop.DPoPProofs;
import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.login.AuthenticationMethods;
import dev.lanyard.server.login.LoginDetails;
import dev.lanyard.server.token.TokenHash;
import dev.lanyard.server.user.ActiveUsers;
import dev.lanyard.server.user.LanyardUser;
import dev.lanyard.server.user.UserAccount;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;

/**
 * Lanyard's token exchange (RFC 8693): a gateway presents a user's opaque access token
 * and gets a short-lived internal JWT (RFC 9068 shape, {@code typ: at+jwt}) with the
 * user's session claims. The rules (docs/SECURITY.md §1c):
 * <ul>
 * <li>only clients registered for the grant (TX-01, RFC 8693 §2.1);</li>
 * <li>the subject is an active opaque access token of this server for a user: refresh
 * tokens, JWTs, client-credentials tokens, revoked, expired and unknown tokens get
 * {@code invalid_grant} (TX-02, TX-03, TX-08; RFC 8693 §2.2.2), and an oversized one
 * {@code invalid_request} (TX-07) — never another identity;</li>
 * <li>the requested scope is a subset of the subject token's (TX-04);</li>
 * <li>exactly one audience, from the client's allow-list or its default; anything else is
 * {@code invalid_target} (TX-05; docs/SECURITY.md decision 2);</li>
 * <li>the JWT lives at most five minutes and never past the subject token (TX-06).</li>
 * </ul>
 * Nothing is written per exchange. Its collaborators are narrow: the framework's
 * authorization service and client repository, {@link ActiveUsers}, the
 * {@link InternalJwtIssuer} that signs and the {@link ExchangedTokenCache} of JWTs to
 * reuse.
 */
public final class TokenExchangeAuthenticationProvider implements AuthenticationProvider {

	/** RFC 8693 §3: the token type identifiers. */
	static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

	static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

	/**
	 * Longer than any opaque token Lanyard issues; longer subject tokens are refused
	 * unread.
	 */
	static final int MAXIMUM_SUBJECT_TOKEN_LENGTH = 512;

	static final String METRIC = "lanyard.exchanges";

	private final OAuth2AuthorizationService authorizations;

	private final RegisteredClientRepository clients;

	private final ActiveUsers users;

	private final InternalJwtIssuer issuer;

	/** Whether a signing key is still published (not withdrawn), by its kid. */
	private final Predicate<String> publishedKeys;

	private final ExchangedTokenCache cache;

	private final MeterRegistry meters;

	TokenExchangeAuthenticationProvider(OAuth2AuthorizationService authorizations, RegisteredClientRepository clients,
			ActiveUsers users, InternalJwtIssuer issuer, ExchangedTokenCache cache, Predicate<String> publishedKeys,
			MeterRegistry meters) {
		this.publishedKeys = publishedKeys;
		this.authorizations = authorizations;
		this.clients = clients;
		this.users = users;
		this.issuer = issuer;
		this.cache = cache;
		this.meters = meters;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		OAuth2TokenExchangeAuthenticationToken request = (OAuth2TokenExchangeAuthenticationToken) authentication;
		try {
			Authentication result = exchange(request);
			count("issued");
			return result;
		}
		catch (OAuth2AuthenticationException ex) {
			count(ex.getError().getErrorCode());
			throw ex;
		}
	}

	private Authentication exchange(OAuth2TokenExchangeAuthenticationToken request) {
		OAuth2ClientAuthenticationToken clientPrincipal = authenticatedClient(request);
		RegisteredClient gateway = clientPrincipal.getRegisteredClient();
		if (!gateway.getAuthorizationGrantTypes().contains(AuthorizationGrantType.TOKEN_EXCHANGE)) {
			throw error(OAuth2ErrorCodes.UNAUTHORIZED_CLIENT, "The client may not exchange tokens");
		}
		String subjectToken = request.getSubjectToken();
		if (subjectToken.length() > MAXIMUM_SUBJECT_TOKEN_LENGTH) {
			throw error(OAuth2ErrorCodes.INVALID_REQUEST, "subject_token is too long");
		}
		if (!ACCESS_TOKEN_TYPE.equals(request.getSubjectTokenType())) {
			throw error(OAuth2ErrorCodes.INVALID_REQUEST, "subject_token_type must be " + ACCESS_TOKEN_TYPE);
		}
		if (!ACCESS_TOKEN_TYPE.equals(request.getRequestedTokenType())
				&& !JWT_TOKEN_TYPE.equals(request.getRequestedTokenType())) {
			throw error(OAuth2ErrorCodes.INVALID_REQUEST, "requested_token_type must be " + JWT_TOKEN_TYPE);
		}
		if (request.getActorToken() != null) {
			throw error(OAuth2ErrorCodes.INVALID_REQUEST, "actor_token is not supported");
		}
		String audience = audience(request, gateway);

		OAuth2Authorization authorization = this.authorizations.findByToken(subjectToken, OAuth2TokenType.ACCESS_TOKEN);
		OAuth2Authorization.Token<OAuth2AccessToken> subject = (authorization != null) ? authorization.getAccessToken()
				: null;
		if (subject == null || !subject.isActive()) {
			throw error(OAuth2ErrorCodes.INVALID_GRANT, "subject_token is not an active access token");
		}
		RegisteredClient originalClient = this.clients.findById(authorization.getRegisteredClientId());
		if (originalClient == null) {
			throw error(OAuth2ErrorCodes.INVALID_GRANT, "subject_token is not an active access token");
		}
		// Only the scopes its client still holds: one an administrator took from the
		// client since stops at once, as at introspection and /userinfo (its grants
		// end at their next refresh). A narrower scope is another cached JWT.
		Set<String> grantedScopes = LanyardRegisteredClientRepository.scopesStillHeld(originalClient,
				subject.getToken().getScopes());
		Set<String> requested = (request.getScopes() == null || request.getScopes().isEmpty()) ? grantedScopes
				: request.getScopes();
		if (!grantedScopes.containsAll(requested)) {
			throw error(OAuth2ErrorCodes.INVALID_SCOPE, "scope must be within the subject token's scope");
		}
		Set<String> scopes = new LinkedHashSet<>(new TreeSet<>(requested));
		String scope = String.join(" ", scopes);
		String subjectHash = TokenHash.of(subjectToken);
		// Only while the key that signed it is published: a key withdrawn in an
		// emergency must not go on reaching services in JWTs they refuse.
		Optional<ExchangedTokenCache.IssuedJwt> reusable = this.cache
			.find(subjectHash, gateway.getClientId(), audience, scope)
			.filter((issued) -> this.publishedKeys.test(issued.kid()));
		if (reusable.isPresent()) {
			return response(gateway, clientPrincipal, reusable.get());
		}

		Authentication principal = authorization.getAttribute(Principal.class.getName());
		if (principal == null || !(principal.getPrincipal() instanceof LanyardUser signedIn)) {
			// RFC 9700 §4.15: a client's own token carries no user; it gains none here.
			throw error(OAuth2ErrorCodes.INVALID_GRANT, "subject_token does not represent a user");
		}
		UserAccount user = this.users.find(signedIn.id())
			.orElseThrow(() -> error(OAuth2ErrorCodes.INVALID_GRANT, "The user can no longer sign in"));
		LoginDetails login = (principal.getDetails() instanceof LoginDetails details) ? details : null;
		ExchangedTokenCache.IssuedJwt issued = this.issuer
			.issue(new InternalJwtIssuer.Request(AuthorizationServerContextHolder.getContext().getIssuer(), user, login,
					AuthenticationMethods.of(principal), originalClient.getClientId(), gateway.getClientId(), audience,
					scopes, subject.getToken().getExpiresAt(), DPoPProofs.boundThumbprint(subject.getClaims())));
		this.cache.put(subjectHash, gateway.getClientId(), audience, scope, issued);
		return response(gateway, clientPrincipal, issued);
	}

	/** RFC 8693 §2.2.1: the JWT as an access token, with issued_token_type. */
	private static OAuth2AccessTokenAuthenticationToken response(RegisteredClient gateway,
			OAuth2ClientAuthenticationToken clientPrincipal, ExchangedTokenCache.IssuedJwt issued) {
		OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, issued.value(),
				issued.issuedAt(), issued.expiresAt(), issued.scopes());
		return new OAuth2AccessTokenAuthenticationToken(gateway, clientPrincipal, token, null,
				Map.of(OAuth2ParameterNames.ISSUED_TOKEN_TYPE, JWT_TOKEN_TYPE));
	}

	/**
	 * RFC 8693 §2.1 and docs/SECURITY.md decision 2: exactly one audience, allow-listed.
	 */
	private static String audience(OAuth2TokenExchangeAuthenticationToken request, RegisteredClient gateway) {
		List<String> allowedList = LanyardRegisteredClientRepository.exchangeAudiences(gateway);
		if (!request.getResources().isEmpty()) {
			throw error("invalid_target", "resource is not supported; name the service with audience");
		}
		Set<String> requested = request.getAudiences();
		if (requested.isEmpty()) {
			if (allowedList.isEmpty()) {
				throw error("invalid_target", "audience is required");
			}
			// The first configured audience is the client's default.
			return allowedList.get(0);
		}
		if (requested.size() != 1) {
			throw error("invalid_target", "exactly one audience");
		}
		String audience = requested.iterator().next();
		if (!allowedList.contains(audience)) {
			throw error("invalid_target", "audience is not allowed for this client");
		}
		return audience;
	}

	private static OAuth2ClientAuthenticationToken authenticatedClient(Authentication request) {
		if (request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client && client.isAuthenticated()) {
			return client;
		}
		throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
	}

	private static OAuth2AuthenticationException error(String code, String description) {
		return new OAuth2AuthenticationException(new OAuth2Error(code, description, null));
	}

	private void count(String outcome) {
		Counter.builder(METRIC)
			.description("Token exchanges, by outcome")
			.tag("outcome", outcome)
			.register(this.meters)
			.increment();
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return OAuth2TokenExchangeAuthenticationToken.class.isAssignableFrom(authentication);
	}

}
