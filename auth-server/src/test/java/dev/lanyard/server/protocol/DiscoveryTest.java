package dev.lanyard.server.protocol;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Discovery metadata (OA-10, OA-14, OA-47) and the JWKS. */
class DiscoveryTest {

	private final TestBrowser client = new TestBrowser();

	private final String issuer = SharedLanyard.server().baseUrl();

	/**
	 * Field by field: both documents hold exactly these members with exactly these
	 * values, each one something the server does (the tests named beside each rule in
	 * docs/SECURITY.md), so a member the framework adds or drops in a new version fails
	 * here rather than promising what Lanyard does not do.
	 */
	@Test
	void discoveryWhenReadAtBothWellKnownPathsThenDescribesLanyardTruthfully() {
		Map<String, Object> common = new LinkedHashMap<>();
		common.put("issuer", this.issuer);
		common.put("authorization_endpoint", this.issuer + "/oauth2/authorize");
		common.put("token_endpoint", this.issuer + "/oauth2/token");
		// none: public clients with PKCE; each client uses the method it registered
		// (OA-46, OA-54).
		List<String> assertionAlgorithms = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
				"ES384", "ES512");
		common.put("token_endpoint_auth_methods_supported",
				List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none"));
		common.put("token_endpoint_auth_signing_alg_values_supported", assertionAlgorithms);
		common.put("jwks_uri", this.issuer + "/oauth2/jwks");
		common.put("response_types_supported", List.of("code"));
		common.put("response_modes_supported", List.of("query"));
		common.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials",
				"urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:token-exchange"));
		// RFC 8628 §4 (OA-61).
		common.put("device_authorization_endpoint", this.issuer + "/oauth2/device_authorization");
		common.put("revocation_endpoint", this.issuer + "/oauth2/revoke");
		common.put("revocation_endpoint_auth_methods_supported",
				List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none"));
		common.put("revocation_endpoint_auth_signing_alg_values_supported", assertionAlgorithms);
		common.put("introspection_endpoint", this.issuer + "/oauth2/introspect");
		common.put("introspection_endpoint_auth_methods_supported",
				List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
		common.put("introspection_endpoint_auth_signing_alg_values_supported", assertionAlgorithms);
		common.put("code_challenge_methods_supported", List.of("S256"));
		// RFC 9126 §5 (OA-55).
		common.put("pushed_authorization_request_endpoint", this.issuer + "/oauth2/par");
		common.put("require_pushed_authorization_requests", false);
		// RFC 7591 §3, behind an administrator's initial access token (OA-58).
		common.put("registration_endpoint", this.issuer + "/connect/register");
		common.put("authorization_response_iss_parameter_supported", true);
		// RFC 9449 §5.1: the framework's proof verifier takes RSA and EC keys (OA-60).
		common.put("dpop_signing_alg_values_supported", assertionAlgorithms);
		assertThat(TestBrowser.json(this.client.get(this.issuer + "/.well-known/oauth-authorization-server")))
			.containsExactlyInAnyOrderEntriesOf(common);

		Map<String, Object> oidc = new LinkedHashMap<>(common);
		oidc.put("userinfo_endpoint", this.issuer + "/userinfo");
		oidc.put("end_session_endpoint", this.issuer + "/connect/logout");
		oidc.put("subject_types_supported", List.of("public"));
		oidc.put("id_token_signing_alg_values_supported", List.of("RS256"));
		oidc.put("scopes_supported", List.of("openid", "profile", "email", "address", "phone"));
		oidc.put("prompt_values_supported", List.of("none", "login", "consent", "select_account"));
		oidc.put("claims_supported",
				List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "sid", "amr", "acr",
						"preferred_username", "updated_at", "email", "name", "given_name", "family_name", "middle_name",
						"nickname", "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale",
						"email_verified", "phone_number", "phone_number_verified", "address"));
		oidc.put("acr_values_supported", List.of("urn:lanyard:acr:single-factor", "urn:lanyard:acr:multi-factor"));
		oidc.put("claims_parameter_supported", true);
		// OpenID Connect Back-Channel Logout 1.0 §2.1 (OA-56).
		oidc.put("backchannel_logout_supported", true);
		oidc.put("backchannel_logout_session_supported", true);
		oidc.put("request_parameter_supported", true);
		oidc.put("request_object_signing_alg_values_supported", assertionAlgorithms);
		oidc.put("request_uri_parameter_supported", false);
		oidc.put("ui_locales_supported", List.of("en", "zh-CN"));
		assertThat(TestBrowser.json(this.client.get(this.issuer + "/.well-known/openid-configuration")))
			.containsExactlyInAnyOrderEntriesOf(oidc);
	}

	@Test
	void jwksWhenReadThenPublicSigningKeysWithUniqueIds() {
		Map<String, Object> jwks = TestBrowser.json(this.client.get(this.issuer + "/oauth2/jwks"));
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> keys = (List<Map<String, Object>>) jwks.get("keys");
		assertThat(keys).hasSizeGreaterThanOrEqualTo(2);
		Set<Object> ids = new HashSet<>();
		for (Map<String, Object> key : keys) {
			assertThat(key.get("use")).isEqualTo("sig");
			assertThat(key.get("kty")).isEqualTo("RSA");
			assertThat(key).doesNotContainKeys("d", "p", "q", "dp", "dq", "qi");
			ids.add(key.get("kid"));
		}
		assertThat(ids).hasSameSizeAs(keys);
	}

}
