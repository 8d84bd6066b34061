package dev.lanyard.server.protocol;

import java.util.List;
import java.util.Set;

import dev.lanyard.server.client.LanyardRegisteredClientRepository;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.core.OAuth2TokenIntrospectionClaimNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * Decides who learns what at the introspection endpoint, before the framework's provider
 * describes the token. RFC 7662 §4: "the authorization server MUST determine whether or
 * not the protected resource is allowed to introspect" and may answer
 * {@code active:false} otherwise; §2.2 lets it answer {@code active:false} "to a
 * protected resource that is not allowed to know about the token". Lanyard answers
 * {@code active:true} only
 * <ul>
 * <li>for an access token (codes, refresh tokens and ID tokens are never described: they
 * are not presented to resource servers), and</li>
 * <li>to the client it was issued to, a client registered with
 * {@code introspection-allowed} (a resource server), or a token-exchange client (the
 * gateway, which must learn whether the token it exchanges is alive).</li>
 * </ul>
 * Everything else is {@code active:false}, indistinguishable from an unknown token. The
 * token is looked up once: the framework's provider describes the authorization found
 * here.
 */
final class AccessTokenIntrospectionGuard implements AuthenticationProvider {

	private final RegisteredClientRepository clients;

	private final OAuth2AuthorizationService authorizations;

	AccessTokenIntrospectionGuard(RegisteredClientRepository clients, OAuth2AuthorizationService authorizations) {
		this.clients = clients;
		this.authorizations = authorizations;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		OAuth2TokenIntrospectionAuthenticationToken request = (OAuth2TokenIntrospectionAuthenticationToken) authentication;
		if (!(request.getPrincipal() instanceof OAuth2ClientAuthenticationToken caller) || !caller.isAuthenticated()
				|| caller.getRegisteredClient() == null) {
			// The framework refuses it with invalid_client.
			return describe(request, null);
		}
		OAuth2Authorization authorization = this.authorizations.findByToken(request.getToken(),
				OAuth2TokenType.ACCESS_TOKEN);
		if (authorization == null || !mayIntrospect(caller.getRegisteredClient(), authorization)) {
			return new OAuth2TokenIntrospectionAuthenticationToken(request.getToken(), caller,
					OAuth2TokenIntrospection.builder().build());
		}
		return heldScopesOnly(describe(request, authorization), authorization);
	}

	/**
	 * The answer with only the scopes the token's client still holds: one an
	 * administrator took from the client since is gone at once, as at token exchange,
	 * {@code /userinfo} and the admin API
	 * ({@link LanyardRegisteredClientRepository#scopesStillHeld}; the grant ends at its
	 * next refresh).
	 */
	private Authentication heldScopesOnly(Authentication described, OAuth2Authorization authorization) {
		if (!(described instanceof OAuth2TokenIntrospectionAuthenticationToken answer)
				|| !answer.getTokenClaims().isActive() || answer.getTokenClaims().getScopes() == null) {
			return described;
		}
		List<String> scopes = answer.getTokenClaims().getScopes();
		Set<String> held = LanyardRegisteredClientRepository
			.scopesStillHeld(this.clients.findById(authorization.getRegisteredClientId()), scopes);
		if (held.containsAll(scopes)) {
			return described;
		}
		OAuth2TokenIntrospection.Builder claims = OAuth2TokenIntrospection
			.withClaims(answer.getTokenClaims().getClaims())
			.claims((all) -> all.remove(OAuth2TokenIntrospectionClaimNames.SCOPE));
		held.forEach(claims::scope);
		return new OAuth2TokenIntrospectionAuthenticationToken(answer.getToken(),
				(Authentication) answer.getPrincipal(), claims.build());
	}

	/**
	 * The framework's provider describes the token, reading the authorization found here
	 * instead of looking the token up a second time.
	 */
	private Authentication describe(OAuth2TokenIntrospectionAuthenticationToken request,
			OAuth2Authorization authorization) {
		return new OAuth2TokenIntrospectionAuthenticationProvider(this.clients,
				new FoundAuthorization(request.getToken(), authorization))
			.authenticate(request);
	}

	private static boolean mayIntrospect(RegisteredClient caller, OAuth2Authorization authorization) {
		return caller.getId().equals(authorization.getRegisteredClientId())
				|| LanyardRegisteredClientRepository.introspectionAllowed(caller)
				|| caller.getAuthorizationGrantTypes().contains(AuthorizationGrantType.TOKEN_EXCHANGE);
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return OAuth2TokenIntrospectionAuthenticationToken.class.isAssignableFrom(authentication);
	}

	/**
	 * The one authorization an introspection request has already found, for its token
	 * only. The framework's provider only reads; nothing here writes.
	 */
	private record FoundAuthorization(String token,
			OAuth2Authorization authorization) implements OAuth2AuthorizationService {

		/** Never the token: a credential. */
		@Override
		public String toString() {
			return "FoundAuthorization[token=***]";
		}

		@Override
		public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
			return this.token.equals(token) ? this.authorization : null;
		}

		@Override
		public OAuth2Authorization findById(String id) {
			return (this.authorization != null && this.authorization.getId().equals(id)) ? this.authorization : null;
		}

		@Override
		public void save(OAuth2Authorization authorization) {
			throw new IllegalStateException("Introspection does not change authorizations");
		}

		@Override
		public void remove(OAuth2Authorization authorization) {
			throw new IllegalStateException("Introspection does not change authorizations");
		}

	}

}
