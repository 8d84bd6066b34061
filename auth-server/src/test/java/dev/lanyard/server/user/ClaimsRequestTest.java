package dev.lanyard.server.user;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The claims parameter (OpenID Connect Core §5.5) and the release rule: a claim asked for
 * by name is released only when its scope is one the client may be given without asking
 * the user again.
 */
class ClaimsRequestTest {

	private static final UserAccount ALICE = new UserAccount(UUID.randomUUID(), "alice", "alice@example.com", "x", true,
			false, List.of(), Map.of(),
			Map.of("given_name", "Alice", "phone_number", "+44 1865 000000", "address.locality", "Oxford"),
			Instant.EPOCH, Instant.EPOCH);

	@Test
	void parseWhenBothMembersThenTheirNamesAndOthersIgnored() {
		ClaimsRequest request = ClaimsRequest.parse("""
				{"id_token":{"given_name":{"essential":true},"acr":{"values":["a"]}},"userinfo":{"email":null},
				 "verified_claims":{}}""");

		assertThat(request.idToken()).containsExactly("given_name", "acr");
		assertThat(request.userinfo()).containsExactly("email");
	}

	@Test
	void parseWhenSubValueOrEssentialAcrThenKept() {
		ClaimsRequest request = ClaimsRequest.parse("""
				{"id_token":{"sub":{"value":"u-1"},"acr":{"essential":true,"value":"a","values":["b"]}},
				 "userinfo":{"sub":{"value":"u-1"}}}""");

		assertThat(request.subject()).isEqualTo("u-1");
		assertThat(request.essentialAcr()).containsExactlyInAnyOrder("a", "b");
		assertThat(ClaimsRequest.parse("{\"id_token\":{\"acr\":{\"values\":[\"a\"]}}}").essentialAcr()).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> ClaimsRequest
			.parse("{\"id_token\":{\"sub\":{\"value\":\"u-1\"}},\"userinfo\":{\"sub\":{\"value\":\"u-2\"}}}"));
	}

	@Test
	void parseWhenShapeWrongOrTooLongThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ClaimsRequest.parse("{\"userinfo\":\"email\"}"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClaimsRequest.parse("{\"userinfo\":{\"email\":{\"values\":\"a\"}}}"));
		// The description goes to the client: never the text of the request.
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClaimsRequest.parse("{\"userinfo\":{\"Your account is locked, call +1 555\":1}}"))
			.withMessage("claims.userinfo: each claim must be null or an object (OpenID Connect Core 5.5.1)");
		assertThatIllegalArgumentException().isThrownBy(() -> ClaimsRequest.parse("{\"userinfo\":{}"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClaimsRequest.parse("{\"userinfo\":{\"" + "x".repeat(5000) + "\":null}}"));
	}

	@Test
	void releasableScopesWhenClientNeedsConsentOrConsentPromptedThenOnlyGrantedElseRegistered() {
		assertThat(ClaimsRequest.releasableScopes(client(false), Set.of("openid"), grant(client(false), "login")))
			.containsExactlyInAnyOrder("openid", "profile", "phone");
		assertThat(ClaimsRequest.releasableScopes(client(true), Set.of("openid"), grant(client(true), null)))
			.containsExactly("openid");
		assertThat(ClaimsRequest.releasableScopes(client(false), Set.of("openid"), grant(client(false), "consent")))
			.containsExactly("openid");
	}

	@Test
	void ofWhenClaimsAskedByNameThenOnlyThoseOfReleasableScopes() {
		Map<String, Object> claims = ScopedUserClaims.of(ALICE, Set.of("openid"),
				Set.of("given_name", "phone_number", "address", "email"), Set.of("openid", "profile", "phone"));

		assertThat(claims).containsOnlyKeys("given_name", "phone_number", "phone_number_verified");
		assertThat(ScopedUserClaims.of(ALICE, Set.of("openid"), Set.of("given_name"), Set.of("openid"))).isEmpty();
	}

	/** A grant from an authorization request with this prompt. */
	private static OAuth2Authorization grant(RegisteredClient client, String prompt) {
		Map<String, Object> parameters = new HashMap<>();
		if (prompt != null) {
			parameters.put("prompt", prompt);
		}
		OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri("https://lanyard.example/oauth2/authorize")
			.clientId(client.getClientId())
			.additionalParameters(parameters)
			.build();
		return OAuth2Authorization.withRegisteredClient(client)
			.principalName("alice")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.attribute(OAuth2AuthorizationRequest.class.getName(), request)
			.build();
	}

	private static RegisteredClient client(boolean consent) {
		return RegisteredClient.withId("id")
			.clientId("app")
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.redirectUri("https://app.example.com/cb")
			.scopes((scopes) -> scopes.addAll(List.of("openid", "profile", "phone")))
			.clientSettings(ClientSettings.builder().requireAuthorizationConsent(consent).build())
			.build();
	}

}
