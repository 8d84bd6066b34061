package dev.lanyard.server.token;

import java.util.Map;

import org.springframework.security.oauth2.core.ClaimAccessor;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Generates opaque (by-reference) access tokens: the framework's generator builds the
 * claims kept for introspection, and this one gives the token a Lanyard value
 * ({@link OpaqueTokenValues#ACCESS_TOKEN}).
 */
final class OpaqueAccessTokenGenerator implements OAuth2TokenGenerator<OAuth2AccessToken> {

	private final OAuth2AccessTokenGenerator claimsGenerator;

	OpaqueAccessTokenGenerator(OAuth2AccessTokenGenerator claimsGenerator) {
		this.claimsGenerator = claimsGenerator;
	}

	@Override
	public OAuth2AccessToken generate(OAuth2TokenContext context) {
		OAuth2AccessToken generated = this.claimsGenerator.generate(context);
		if (generated == null) {
			return null;
		}
		Map<String, Object> claims = ((ClaimAccessor) generated).getClaims();
		return new OpaqueAccessToken(OpaqueTokenValues.ACCESS_TOKEN.generate(), generated, claims);
	}

	/** An access token that carries the claims introspection answers with. */
	static final class OpaqueAccessToken extends OAuth2AccessToken implements ClaimAccessor {

		private static final long serialVersionUID = 1L;

		private final Map<String, Object> claims;

		OpaqueAccessToken(String value, OAuth2AccessToken generated, Map<String, Object> claims) {
			super(generated.getTokenType(), value, generated.getIssuedAt(), generated.getExpiresAt(),
					generated.getScopes());
			this.claims = Map.copyOf(claims);
		}

		@Override
		public Map<String, Object> getClaims() {
			return this.claims;
		}

	}

}
