package dev.lanyard.server.client;

import java.util.List;
import java.util.Set;

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

	@Test
	void validateWhenClientIdIsUuidThenRefused() {
		ClientRegistration registration = new ClientRegistration("3f1a2b3c-1111-2222-3333-444455556666", null, true,
				null, null, null, null, List.of("https://a.example/cb"), List.of(), Set.of("authorization_code"),
				Set.of("openid"), null, null, null, null, null, List.of(), null, null);
		assertThat(ClientValidator.validate(registration)).contains(new Problem("client_id", "client-id.uuid"));
	}

	@Test
	void validateWhenSecretShortOrGrantUnsupportedThenRefused() {
		ClientRegistration registration = new ClientRegistration("svc", null, false, "short", null, null, null,
				List.of(), List.of(), Set.of("password", "implicit"), Set.of(), null, null, null, null, null, List.of(),
				null, null);
		assertThat(ClientValidator.validate(registration)).contains(
				new Problem("client_secret", "client-secret.too-short"),
				new Problem("grant_types", "grant-types.unsupported"));
	}

	@Test
	void validateWhenPublicClientAsksForClientCredentialsOrNoPkceThenRefused() {
		ClientRegistration registration = new ClientRegistration("spa", null, true, null, null, null, null,
				List.of("https://a.example/cb"), List.of(), Set.of("authorization_code", "client_credentials"),
				Set.of(), false, null, null, null, null, List.of(), null, null);
		assertThat(ClientValidator.validate(registration)).contains(
				new Problem("grant_types", "grant-types.public-client"),
				new Problem("require_pkce", "require-pkce.public-client"));
	}

	private static ClientRegistration registration(List<String> redirectUris) {
		return new ClientRegistration("web", "Web", true, null, null, null, null, redirectUris, List.of(),
				Set.of("authorization_code"), Set.of("openid"), null, null, null, null, null, List.of(), null, null);
	}

}
