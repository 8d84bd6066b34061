package dev.lanyard.server.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.lanyard.server.client.ClientKeys;
import dev.lanyard.server.login.AuthenticationMethods;
import dev.lanyard.server.user.StandardClaim;

import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * What discovery ({@code /.well-known/openid-configuration} and
 * {@code /.well-known/oauth-authorization-server}, RFC 8414) says about Lanyard: only
 * what it really does. Code flow only, S256 only (RFC 9700 §2.1.1), {@code iss} in
 * authorization responses (RFC 9207 §3), DPoP-bound tokens but no certificate-bound ones.
 */
final class DiscoveryMetadata {

	static final List<String> DPOP_SIGNING_ALGORITHMS = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
			"ES256", "ES384", "ES512");

	private DiscoveryMetadata() {
	}

	/** Adjusts the framework's metadata claims. */
	static void customize(Map<String, Object> claims) {
		claims.put("grant_types_supported", List.of(AuthorizationGrantType.AUTHORIZATION_CODE.getValue(),
				AuthorizationGrantType.REFRESH_TOKEN.getValue(), AuthorizationGrantType.CLIENT_CREDENTIALS.getValue(),
				AuthorizationGrantType.DEVICE_CODE.getValue(), AuthorizationGrantType.TOKEN_EXCHANGE.getValue()));
		// Each client uses the one method it registered (RFC 7591 §2); private_key_jwt
		// assertions are signed with one of ClientKeys.SIGNING_ALGORITHMS (RFC 8414 §2).
		claims.put("token_endpoint_auth_methods_supported",
				List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none"));
		claims.put("token_endpoint_auth_signing_alg_values_supported", ClientKeys.SIGNING_ALGORITHM_NAMES);
		claims.put("revocation_endpoint_auth_methods_supported",
				List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none"));
		claims.put("revocation_endpoint_auth_signing_alg_values_supported", ClientKeys.SIGNING_ALGORITHM_NAMES);
		claims.put("introspection_endpoint_auth_methods_supported",
				List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
		claims.put("introspection_endpoint_auth_signing_alg_values_supported", ClientKeys.SIGNING_ALGORITHM_NAMES);
		// RFC 9126 §5: pushed requests are taken from every client and required from
		// those registered so (require_pushed_authorization_requests).
		claims.put("require_pushed_authorization_requests", false);
		claims.put("response_types_supported", List.of("code"));
		// RFC 7591, open to the holders of an administrator's initial access token.
		claims.put("registration_endpoint", claims.get("issuer") + "/connect/register");
		claims.put("response_modes_supported", List.of("query"));
		claims.put("code_challenge_methods_supported", List.of("S256"));
		claims.put("authorization_response_iss_parameter_supported", true);
		claims.remove("tls_client_certificate_bound_access_tokens");
		// RFC 9449 §5.1: the proofs the framework's verifier takes (RSA and EC keys).
		claims.put("dpop_signing_alg_values_supported", DPOP_SIGNING_ALGORITHMS);
		if (claims.containsKey("subject_types_supported")) {
			claims.put("scopes_supported", List.of("openid", "profile", "email", "address", "phone"));
			// OpenID Connect Prompt Create 1.0 §4.1 defines the field; "create" is not
			// among them.
			claims.put("prompt_values_supported", List.of("none", "login", "consent", "select_account"));
			List<String> supported = new ArrayList<>(List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce",
					"sid", "amr", "acr", "preferred_username", "updated_at", "email"));
			for (StandardClaim claim : StandardClaim.values()) {
				String name = claim.addressPart() ? StandardClaim.ADDRESS : claim.claimName();
				if (!supported.contains(name)) {
					supported.add(name);
				}
			}
			claims.put("claims_supported", supported);
			claims.put("acr_values_supported", AuthenticationMethods.SUPPORTED_CONTEXTS);
			// OpenID Connect Core §5.5 (ClaimsRequest).
			claims.put("claims_parameter_supported", true);
			// OpenID Connect Back-Channel Logout 1.0 §2.1: logout tokens always carry
			// sid.
			claims.put("backchannel_logout_supported", true);
			claims.put("backchannel_logout_session_supported", true);
			// OpenID Connect Discovery §3: signed request objects by value from clients
			// with registered keys (RequestObjectParameters); by reference only as
			// issued by /oauth2/par (request_uri_parameter_supported defaults to true).
			claims.put("request_parameter_supported", true);
			claims.put("request_object_signing_alg_values_supported", ClientKeys.SIGNING_ALGORITHM_NAMES);
			claims.put("request_uri_parameter_supported", false);
			// The login and consent pages' languages (LocaleConfiguration).
			claims.put("ui_locales_supported", List.of("en", "zh-CN"));
		}
	}

}
