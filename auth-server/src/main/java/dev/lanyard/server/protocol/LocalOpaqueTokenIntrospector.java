package dev.lanyard.server.protocol;

import java.security.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.client.LanyardRegisteredClientRepository;
import dev.lanyard.server.login.LoginDetails;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2TokenIntrospectionClaimNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;

/**
 * Resolves this server's own opaque access tokens in-process, for the endpoints that
 * accept them ({@code /userinfo}, the admin API). Inactive, revoked, expired and unknown
 * tokens are rejected alike. A token grants only the scopes its client still holds: a
 * scope taken from a client (say {@code admin}, after its secret leaked) stops working
 * here at once, not when the tokens issued before expire.
 */
public final class LocalOpaqueTokenIntrospector implements OpaqueTokenIntrospector {

	/**
	 * Attribute of a user's token: when the user signed in, an {@link java.time.Instant}.
	 */
	public static final String AUTH_TIME = "auth_time";

	private final OAuth2AuthorizationService authorizations;

	private final boolean withDPoPProof;

	private final RegisteredClientRepository clients;

	/**
	 * @param authorizations where tokens are found
	 * @param clients the registered clients, whose scopes now bound a token's
	 * @param withDPoPProof whether the token came with a DPoP proof (the DPoP scheme,
	 * whose proof the framework checks against the token's key); without one, a token
	 * bound to a DPoP key is refused (RFC 9449 §7.1)
	 */
	public LocalOpaqueTokenIntrospector(OAuth2AuthorizationService authorizations, RegisteredClientRepository clients,
			boolean withDPoPProof) {
		this.authorizations = authorizations;
		this.clients = clients;
		this.withDPoPProof = withDPoPProof;
	}

	@Override
	public OAuth2AuthenticatedPrincipal introspect(String token) {
		OAuth2Authorization authorization = this.authorizations.findByToken(token, OAuth2TokenType.ACCESS_TOKEN);
		OAuth2Authorization.Token<OAuth2AccessToken> accessToken = (authorization != null)
				? authorization.getAccessToken() : null;
		if (accessToken == null || !accessToken.isActive()) {
			throw new BadOpaqueTokenException("The access token is not active");
		}
		if (!this.withDPoPProof && OAuth2AccessToken.TokenType.DPOP.equals(accessToken.getToken().getTokenType())) {
			throw new BadOpaqueTokenException("The access token is bound to a DPoP key: send it with a DPoP proof");
		}
		Map<String, Object> attributes = new HashMap<>();
		if (accessToken.getClaims() != null) {
			attributes.putAll(accessToken.getClaims());
		}
		attributes.put(OAuth2TokenIntrospectionClaimNames.SUB, authorization.getPrincipalName());
		if (authorization.getAttribute(Principal.class.getName()) instanceof Authentication user
				&& user.getDetails() instanceof LoginDetails login) {
			// When the user signed in: what a recent-authentication check needs (RFC
			// 9470).
			attributes.put(AUTH_TIME, login.authenticatedAt());
		}
		List<GrantedAuthority> authorities = new ArrayList<>();
		LanyardRegisteredClientRepository
			.scopesStillHeld(this.clients.findById(authorization.getRegisteredClientId()),
					accessToken.getToken().getScopes())
			.forEach((scope) -> authorities.add(new SimpleGrantedAuthority("SCOPE_" + scope)));
		return new DefaultOAuth2AuthenticatedPrincipal(authorization.getPrincipalName(), attributes, authorities);
	}

}
