package dev.lanyard.server.dpop;

import java.util.Map;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenClaimsContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Binds an opaque access token to the key of the DPoP proof its token request carried
 * (RFC 9449 §6.1): its claims gain {@code cnf.jkt}, the key's thumbprint, which the
 * framework turns into {@code token_type: DPoP} and introspection answers with (RFC 9449
 * §6.2). The proof was verified before the token was generated.
 */
public final class DPoPAccessTokenBinding implements OAuth2TokenCustomizer<OAuth2TokenClaimsContext> {

	@Override
	public void customize(OAuth2TokenClaimsContext context) {
		if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
			return;
		}
		Jwt proof = context.get(OAuth2TokenContext.DPOP_PROOF_KEY);
		if (proof != null) {
			context.getClaims().claim("cnf", Map.of("jkt", DPoPProofs.thumbprint(proof)));
		}
	}

}
