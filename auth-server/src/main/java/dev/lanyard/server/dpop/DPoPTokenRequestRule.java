package dev.lanyard.server.dpop;

import java.util.Map;
import java.util.Set;

import dev.lanyard.server.client.LanyardRegisteredClientRepository;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Lanyard's DPoP rules at the token endpoint, around one of the framework's grant
 * providers: checked first, then the provider issues the token, bound to the proof's key
 * by {@link DPoPAccessTokenBinding}. (A provider of its own before the framework's would
 * not do: the framework's provider manager moves on to the next provider after a
 * refusal.)
 * <ul>
 * <li>A proof is verified with Lanyard's rules ({@link DPoPProofs}: once across every
 * node), then again by the framework.</li>
 * <li>A client registered with {@code dpop_bound_access_tokens} gets no token without a
 * proof (RFC 9449 §5.2).</li>
 * <li>A public client's refresh token is bound to the key its access tokens are bound to
 * (RFC 9449 §5): without a proof it is refused. (With one, the framework checks that it
 * is the same key.)</li>
 * </ul>
 * Token exchange, Lanyard's gateway grant, is not concerned: the gateway checks the
 * proofs of the requests it lets in.
 */
public final class DPoPTokenRequestRule implements AuthenticationProvider {

	private static final Set<Class<?>> GRANTS = Set.of(OAuth2AuthorizationCodeAuthenticationToken.class,
			OAuth2RefreshTokenAuthenticationToken.class, OAuth2ClientCredentialsAuthenticationToken.class,
			OAuth2DeviceCodeAuthenticationToken.class);

	private final AuthenticationProvider grant;

	private final DPoPProofs proofs;

	private final OAuth2AuthorizationService authorizations;

	private DPoPTokenRequestRule(AuthenticationProvider grant, DPoPProofs proofs,
			OAuth2AuthorizationService authorizations) {
		this.grant = grant;
		this.proofs = proofs;
		this.authorizations = authorizations;
	}

	/**
	 * The provider with Lanyard's DPoP rules around it if it issues access tokens for a
	 * grant a client uses itself (code, refresh, client credentials, device code), else
	 * the provider as it is.
	 */
	public static AuthenticationProvider around(AuthenticationProvider provider, DPoPProofs proofs,
			OAuth2AuthorizationService authorizations) {
		return GRANTS.stream().anyMatch(provider::supports) ? new DPoPTokenRequestRule(provider, proofs, authorizations)
				: provider;
	}

	@Override
	public Authentication authenticate(Authentication authentication) {
		check((OAuth2AuthorizationGrantAuthenticationToken) authentication);
		return this.grant.authenticate(authentication);
	}

	private void check(OAuth2AuthorizationGrantAuthenticationToken grant) {
		if (!(grant.getPrincipal() instanceof OAuth2ClientAuthenticationToken clientAuthentication)
				|| !clientAuthentication.isAuthenticated()) {
			// The framework's provider answers invalid_client.
			return;
		}
		RegisteredClient client = clientAuthentication.getRegisteredClient();
		Map<String, Object> parameters = grant.getAdditionalParameters();
		if (parameters.get("dpop_proof") instanceof String proof) {
			try {
				this.proofs.verify(proof, (String) parameters.get("dpop_method"),
						(String) parameters.get("dpop_target_uri"));
			}
			catch (JwtException | IllegalArgumentException | ClassCastException ex) {
				throw refused("The DPoP proof is not valid");
			}
			return;
		}
		if (client != null && LanyardRegisteredClientRepository.dpopBoundAccessTokens(client)) {
			throw refused("This client must send a DPoP proof with every token request");
		}
		if (grant instanceof OAuth2RefreshTokenAuthenticationToken refresh
				&& ClientAuthenticationMethod.NONE.equals(clientAuthentication.getClientAuthenticationMethod())
				&& boundRefreshToken(refresh.getRefreshToken())) {
			throw refused("This refresh token is bound to a DPoP key: send a proof signed with it");
		}
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return this.grant.supports(authentication);
	}

	/** Whether a refresh token's grant has its access tokens bound to a DPoP key. */
	private boolean boundRefreshToken(String refreshToken) {
		OAuth2Authorization authorization = this.authorizations.findByToken(refreshToken,
				OAuth2TokenType.REFRESH_TOKEN);
		OAuth2Authorization.Token<OAuth2AccessToken> access = (authorization != null) ? authorization.getAccessToken()
				: null;
		return access != null && access.getToken().getTokenType().equals(OAuth2AccessToken.TokenType.DPOP);
	}

	private static OAuth2AuthenticationException refused(String description) {
		return new OAuth2AuthenticationException(
				new OAuth2Error(OAuth2ErrorCodes.INVALID_DPOP_PROOF, description, null));
	}

}
