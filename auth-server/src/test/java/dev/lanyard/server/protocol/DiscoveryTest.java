package dev.lanyard.server.protocol;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lanyard.server.SharedLanyard;
import dev.lanyard.server.TestBrowser;
import org.junit.jupiter.api.Test;

import org.assertj.core.api.InstanceOfAssertFactories;

import static org.assertj.core.api.Assertions.assertThat;

/** Discovery metadata (OA-10, OA-14, OA-47) and the JWKS. */
class DiscoveryTest {

	private final TestBrowser client = new TestBrowser();

	private final String issuer = SharedLanyard.server().baseUrl();

	@Test
	@SuppressWarnings("unchecked")
	void discoveryWhenReadAtBothWellKnownPathsThenDescribesLanyardTruthfully() {
		for (String path : new String[] { "/.well-known/openid-configuration",
				"/.well-known/oauth-authorization-server" }) {
			HttpResponse<String> response = this.client.get(this.issuer + path);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			Map<String, Object> metadata = TestBrowser.json(response);
			assertThat(metadata.get("issuer")).isEqualTo(this.issuer);
			assertThat(metadata.get("authorization_endpoint")).isEqualTo(this.issuer + "/oauth2/authorize");
			assertThat(metadata.get("token_endpoint")).isEqualTo(this.issuer + "/oauth2/token");
			assertThat(metadata.get("introspection_endpoint")).isEqualTo(this.issuer + "/oauth2/introspect");
			assertThat(metadata.get("revocation_endpoint")).isEqualTo(this.issuer + "/oauth2/revoke");
			assertThat(metadata.get("jwks_uri")).isEqualTo(this.issuer + "/oauth2/jwks");
			assertThat(metadata.get("code_challenge_methods_supported")).isEqualTo(List.of("S256"));
			assertThat(metadata.get("response_types_supported")).isEqualTo(List.of("code"));
			assertThat((List<Object>) metadata.get("grant_types_supported")).doesNotContain("password", "implicit");
			assertThat(metadata.get("authorization_response_iss_parameter_supported")).isEqualTo(true);
		}
		Map<String, Object> oidc = TestBrowser.json(this.client.get(this.issuer + "/.well-known/openid-configuration"));
		assertThat(oidc.get("userinfo_endpoint")).isEqualTo(this.issuer + "/userinfo");
		assertThat(oidc.get("end_session_endpoint")).isEqualTo(this.issuer + "/connect/logout");
		assertThat(oidc.get("id_token_signing_alg_values_supported")).isEqualTo(List.of("RS256"));
		assertThat(oidc.get("prompt_values_supported"))
			.isEqualTo(List.of("none", "login", "consent", "select_account"));
		assertThat(oidc.get("acr_values_supported")).isEqualTo(List.of("urn:lanyard:acr:single-factor"));
		assertThat(oidc.get("claims_parameter_supported")).isEqualTo(true);
		assertThat(oidc.get("request_parameter_supported")).isEqualTo(false);
		assertThat(oidc.get("request_uri_parameter_supported")).isEqualTo(false);
		assertThat(oidc.get("scopes_supported")).isEqualTo(List.of("openid", "profile", "email", "address", "phone"));
		assertThat(oidc.get("claims_supported")).asInstanceOf(InstanceOfAssertFactories.LIST).contains("amr", "acr");
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
