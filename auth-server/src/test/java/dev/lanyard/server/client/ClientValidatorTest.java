package dev.lanyard.server.client;

import java.util.List;
import java.util.Set;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.lanyard.server.InputRejectedException.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** OA-04 and the other registration rules. */
class ClientValidatorTest {

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "javascript:alert(1)|redirect-uri.not-absolute",
			"data:text/html,hi|redirect-uri.not-absolute", "vbscript:msgbox|redirect-uri.not-absolute",
			"https://app.example.com/cb#x|redirect-uri.fragment", "https://app.example.com/cb#|redirect-uri.fragment",
			"https://*.example.com/cb|redirect-uri.wildcard", "https://app.example.com/*|redirect-uri.wildcard",
			"http://app.example.com/cb|redirect-uri.https-required", "/relative/cb|redirect-uri.not-absolute",
			"https://app.example.com/cb?code=1|redirect-uri.reserved-parameter",
			"https://app.example.com/cb?a=1&state=2|redirect-uri.reserved-parameter",
			"https://user@app.example.com/cb|redirect-uri.invalid", "ftp://app.example.com/cb|redirect-uri.scheme",
			"https://app.example.com/c b|redirect-uri.invalid", "com.example.app:/callback|redirect-uri.scheme" })
	void redirectUriWhenUnsafeThenRefusedWithReason(String uri, String reason) {
		assertThat(ClientValidator.redirectUriError(uri)).hasValue(reason);
		List<Problem> errors = ClientValidator.validate(registration(List.of(uri)));
		assertThat(errors).contains(new Problem("redirect_uris", reason));
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://app.example.com/callback", "https://app.example.com/cb?tenant=a",
			"http://127.0.0.1:8765/callback", "http://localhost:3000/cb", "http://[::1]:9000/cb" })
	void redirectUriWhenExactHttpsOrLoopbackThenAccepted(String uri) {
		assertThat(ClientValidator.redirectUriError(uri)).isEmpty();
		assertThat(ClientValidator.validate(registration(List.of(uri)))).isEmpty();
	}

	/**
	 * The consent and device pages say who asks by the client's name: one that would
	 * display as another (bidi controls) or break the line is refused.
	 */
	@Test
	void validateWhenClientNameIsNotPlainTextThenRefused() {
		for (String name : new String[] { "Corp\u202Eelgoog", "a\u2066b\u2069", "Line\nbreak", "Bell\u0007",
				"\uD800x" }) {
			ClientRegistration registration = new ClientRegistration("web", name, true, null, null, null, null,
					List.of("https://a.example/cb"), List.of(), Set.of("authorization_code"), Set.of("openid"), null,
					null, null, null, null, List.of(), null, null, null, null, null, null);
			assertThat(ClientValidator.validate(registration)).as(name)
				.contains(new Problem("client_name", "client-name.format"));
		}
		ClientRegistration joined = new ClientRegistration("web", "क्\u200Dष Café 東京", true, null, null, null, null,
				List.of("https://a.example/cb"), List.of(), Set.of("authorization_code"), Set.of("openid"), null, null,
				null, null, null, List.of(), null, null, null, null, null, null);
		assertThat(ClientValidator.validate(joined)).isEmpty();
	}

	@Test
	void validateWhenClientIdIsUuidThenRefused() {
		ClientRegistration registration = new ClientRegistration("3f1a2b3c-1111-2222-3333-444455556666", null, true,
				null, null, null, null, List.of("https://a.example/cb"), List.of(), Set.of("authorization_code"),
				Set.of("openid"), null, null, null, null, null, List.of(), null, null, null, null, null, null);
		assertThat(ClientValidator.validate(registration)).contains(new Problem("client_id", "client-id.uuid"));
	}

	@Test
	void validateWhenSecretShortOrGrantUnsupportedThenRefused() {
		ClientRegistration registration = new ClientRegistration("svc", null, false, "short", null, null, null,
				List.of(), List.of(), Set.of("password", "implicit"), Set.of(), null, null, null, null, null, List.of(),
				null, null, null, null, null, null);
		assertThat(ClientValidator.validate(registration)).contains(
				new Problem("client_secret", "client-secret.too-short"),
				new Problem("grant_types", "grant-types.unsupported"));
	}

	@Test
	void validateWhenPublicClientAsksForClientCredentialsOrNoPkceThenRefused() {
		ClientRegistration registration = new ClientRegistration("spa", null, true, null, null, null, null,
				List.of("https://a.example/cb"), List.of(), Set.of("authorization_code", "client_credentials"),
				Set.of(), false, null, null, null, null, List.of(), null, null, null, null, null, null);
		assertThat(ClientValidator.validate(registration)).contains(
				new Problem("grant_types", "grant-types.public-client"),
				new Problem("require_pkce", "require-pkce.public-client"));
	}

	/** OA-54: what a private_key_jwt client may register as its keys, and what not. */
	@Test
	void validateWhenPrivateKeyJwtKeysThenOnlyPublicSignatureKeysOneWay() throws Exception {
		RSAKey rsa = new RSAKeyGenerator(2048).keyID("r").generate();
		ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("e").generate();
		assertThat(ClientValidator
			.validate(signed(new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString(), null, null)))
			.isEmpty();
		assertThat(ClientValidator.validate(signed(null, "https://keys.example/jwks.json", null))).isEmpty();
		assertThat(ClientValidator.validate(signed(null, "http://127.0.0.1:8080/jwks", null))).isEmpty();

		assertThat(ClientValidator.validate(signed(new JWKSet(rsa).toString(false), null, null)))
			.containsExactly(new Problem("jwks", "jwks.private"));
		assertThat(ClientValidator.validate(
				signed(new JWKSet(new RSAKeyGenerator(1024, true).generate().toPublicJWK()).toString(), null, null)))
			.containsExactly(new Problem("jwks", "jwks.rsa-size"));
		assertThat(ClientValidator
			.validate(signed(new JWKSet(new OctetSequenceKeyGenerator(256).generate()).toString(false), null, null)))
			.containsExactly(new Problem("jwks", "jwks.private"));
		assertThat(ClientValidator.validate(signed(
				new JWKSet(new RSAKeyGenerator(2048).keyUse(KeyUse.ENCRYPTION).generate().toPublicJWK()).toString(),
				null, null)))
			.containsExactly(new Problem("jwks", "jwks.use"));
		assertThat(ClientValidator.validate(signed("{\"keys\": []}", null, null)))
			.containsExactly(new Problem("jwks", "jwks.empty"));
		assertThat(ClientValidator.validate(signed("not json", null, null)))
			.containsExactly(new Problem("jwks", "jwks.invalid"));
		assertThat(ClientValidator
			.validate(signed(new JWKSet(rsa.toPublicJWK()).toString(), "https://keys.example/jwks.json", null)))
			.containsExactly(new Problem("jwks", "jwks.both"));
		assertThat(ClientValidator.validate(signed(null, null, null)))
			.containsExactly(new Problem("jwks", "jwks.required"));
		assertThat(ClientValidator.validate(signed(null, "http://keys.example/jwks.json", null)))
			.containsExactly(new Problem("jwks_uri", "jwks-uri.https-required"));
		assertThat(ClientValidator.validate(signed(null, "https://user@keys.example/jwks.json", null)))
			.containsExactly(new Problem("jwks_uri", "jwks-uri.invalid"));
		assertThat(ClientValidator
			.validate(signed(null, "https://keys.example/jwks.json", "a-secret-that-is-long-enough-0123456789")))
			.containsExactly(new Problem("client_secret", "client-secret.private-key-jwt"));
	}

	@Test
	void validateWhenMethodDoesNotMatchTypeOrKeysWithoutPrivateKeyJwtThenRefused() {
		assertThat(ClientValidator.validate(new ClientRegistration("svc", null, false, null, "client_secret_jwt", null,
				null, List.of(), List.of(), Set.of("client_credentials"), Set.of(), null, null, null, null, null,
				List.of(), null, null, null, null, null, null)))
			.containsExactly(new Problem("token_endpoint_auth_method", "token-endpoint-auth-method.unsupported"));
		assertThat(ClientValidator.validate(new ClientRegistration("svc", null, false, null, "none", null, null,
				List.of(), List.of(), Set.of("client_credentials"), Set.of(), null, null, null, null, null, List.of(),
				null, null, null, null, null, null)))
			.contains(new Problem("token_endpoint_auth_method", "token-endpoint-auth-method.client-type"));
		assertThat(ClientValidator.validate(new ClientRegistration("svc", null, false, null, "client_secret_basic",
				null, "https://keys.example/jwks.json", List.of(), List.of(), Set.of("client_credentials"), Set.of(),
				null, null, null, null, null, List.of(), null, null, null, null, null, null)))
			.containsExactly(new Problem("jwks_uri", "jwks.without-method"));
	}

	private static ClientRegistration signed(String jwks, String jwksUri, String secret) {
		return new ClientRegistration("signed", null, false, secret, "private_key_jwt", jwks, jwksUri, List.of(),
				List.of(), Set.of("client_credentials"), Set.of(), null, null, null, null, null, List.of(), null, null,
				null, null, null, null);
	}

	/**
	 * OA-56: a back-channel logout URI is a URL Lanyard calls, for clients people use.
	 */
	@Test
	void validateWhenBackchannelLogoutUriThenHttpsForSignInClientsOnly() {
		assertThat(ClientValidator.validate(backchannel("https://app.example/logout", Set.of("authorization_code"))))
			.isEmpty();
		assertThat(ClientValidator.validate(backchannel("http://127.0.0.1:9000/logout", Set.of("authorization_code"))))
			.isEmpty();
		assertThat(ClientValidator.validate(backchannel("http://app.example/logout", Set.of("authorization_code"))))
			.containsExactly(new Problem("backchannel_logout_uri", "backchannel-logout-uri.https-required"));
		assertThat(ClientValidator.validate(backchannel("https://app.example/logout#x", Set.of("authorization_code"))))
			.containsExactly(new Problem("backchannel_logout_uri", "backchannel-logout-uri.invalid"));
		assertThat(ClientValidator.validate(backchannel("https://app.example/logout", Set.of("client_credentials"))))
			.containsExactly(new Problem("backchannel_logout_uri", "backchannel-logout-uri.without-code"));
	}

	private static ClientRegistration backchannel(String uri, Set<String> grants) {
		return new ClientRegistration("bcl", null, false, null, null, null, null,
				grants.contains("authorization_code") ? List.of("https://app.example/cb") : List.of(), List.of(),
				grants, Set.of(), null, null, null, null, null, List.of(), null, null, null, uri, true, null);
	}

	@Test
	void validateWhenLogoUriNotHttpsOrNotAUrlThenRefusedByName() {
		assertThat(ClientValidator.validate(withLogo("https://cdn.example.com/logo.png"))).isEmpty();
		assertThat(ClientValidator.validate(withLogo("http://localhost:8080/logo.png"))).isEmpty();
		assertThat(ClientValidator.validate(withLogo("http://cdn.example.com/logo.png")))
			.containsExactly(new Problem("logo_uri", "logo-uri.https-required"));
		for (String bad : new String[] { "javascript:alert(1)", "data:image/png;base64,AAAA", "/logo.png",
				"https://user@cdn.example.com/logo.png", "https://cdn.example.com/logo.png#x", " " }) {
			assertThat(ClientValidator.validate(withLogo(bad))).as(bad)
				.extracting(Problem::field)
				.containsExactly("logo_uri");
		}
	}

	private static ClientRegistration withLogo(String logoUri) {
		return new ClientRegistration("web", "Web", logoUri, true, null, null, null, null,
				List.of("https://app.example.com/cb"), List.of(), Set.of("authorization_code"), Set.of("openid"), null,
				null, null, null, null, List.of(), null, null, null, null, null, null, null);
	}

	private static ClientRegistration registration(List<String> redirectUris) {
		return new ClientRegistration("web", "Web", true, null, null, null, null, redirectUris, List.of(),
				Set.of("authorization_code"), Set.of("openid"), null, null, null, null, null, List.of(), null, null,
				null, null, null, null);
	}

}
