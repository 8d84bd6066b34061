package dev.lanyard.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SessionClaimsTest {

	private static final long NOW = 1_800_000_000L;

	private static Map<String, Object> json() throws Exception {
		// Parsed exactly as the verifier parses payloads, then made mutable for the tests
		// to edit.
		return new LinkedHashMap<>(JoseJson.parseObject(("""
				{"iss":"http://localhost:9000","sub":"u1","aud":"internal","exp":%d,"iat":%d,"nbf":%d,
				 "jti":"j-1","client_id":"web-app","scope":"openid  orders:read profile","sid":"s-42",
				 "auth_time":%d,"preferred_username":"alice","roles":["user","admin"],"tenant":"acme",
				 "amr":["pwd","hwk","mfa"],"acr":"urn:lanyard:acr:multi-factor",
				 "email_verified":true,"level":3,"ratio":0.5,"groups":["a","b"],"address":{"city":"Lyon"},
				 "mixed":["a",1],"nothing":null,"expires_soon":%d}
				""".formatted(NOW + 300, NOW, NOW, NOW - 60, NOW + 60)).getBytes(StandardCharsets.UTF_8)));
	}

	private static SessionClaims claims() throws Exception {
		return SessionClaims.fromVerifiedJson(json());
	}

	@Test
	void accessorsWhenStandardClaimsThenTypedValues() throws Exception {
		SessionClaims claims = claims();
		assertThat(claims.subject()).isEqualTo("u1");
		assertThat(claims.issuer()).isEqualTo("http://localhost:9000");
		assertThat(claims.audience()).isEqualTo("internal");
		assertThat(claims.tokenId()).isEqualTo("j-1");
		assertThat(claims.username()).contains("alice");
		assertThat(claims.clientId()).contains("web-app");
		assertThat(claims.sessionId()).contains("s-42");
		assertThat(claims.tenant()).contains("acme");
		assertThat(claims.scopes()).containsExactly("openid", "orders:read", "profile");
		assertThat(claims.roles()).containsExactly("user", "admin");
		assertThat(claims.authTime()).contains(Instant.ofEpochSecond(NOW - 60));
		assertThat(claims.expiresAt()).isEqualTo(Instant.ofEpochSecond(NOW + 300));
		assertThat(claims.hasScope("orders:read")).isTrue();
		assertThat(claims.hasScope("orders")).isFalse();
		assertThat(claims.hasRole("admin")).isTrue();
		assertThat(claims.hasRole("Admin")).isFalse();
		assertThat(claims.amr()).containsExactly("pwd", "hwk", "mfa");
		assertThat(claims.hasAuthenticationMethod("hwk")).isTrue();
		assertThat(claims.hasAuthenticationMethod("otp")).isFalse();
		assertThat(claims.acr()).contains("urn:lanyard:acr:multi-factor");
	}

	@Test
	void accessorsWhenOptionalClaimsAbsentThenEmpty() throws Exception {
		Map<String, Object> json = json();
		for (String name : List.of("client_id", "scope", "sid", "auth_time", "preferred_username", "roles", "tenant",
				"nbf", "amr", "acr")) {
			json.remove(name);
		}
		SessionClaims claims = SessionClaims.fromVerifiedJson(json);
		assertThat(claims.clientId()).isEmpty();
		assertThat(claims.username()).isEmpty();
		assertThat(claims.sessionId()).isEmpty();
		assertThat(claims.tenant()).isEmpty();
		assertThat(claims.authTime()).isEmpty();
		assertThat(claims.notBefore()).isEmpty();
		assertThat(claims.scopes()).isEmpty();
		assertThat(claims.roles()).isEmpty();
		assertThat(claims.amr()).isEmpty();
		assertThat(claims.acr()).isEmpty();
	}

	@Test
	void claimWhenTypeMatchesOrConvertsThenValue() throws Exception {
		SessionClaims claims = claims();
		assertThat(claims.claim("email_verified", Boolean.class)).contains(true);
		assertThat(claims.claim("level", Long.class)).contains(3L);
		assertThat(claims.claim("level", Integer.class)).contains(3);
		assertThat(claims.claim("level", Double.class)).contains(3.0);
		assertThat(claims.claim("ratio", Double.class)).contains(0.5);
		assertThat(claims.claim("expires_soon", Instant.class)).contains(Instant.ofEpochSecond(NOW + 60));
		assertThat(claims.claim("address", Map.class)).contains(Map.of("city", "Lyon"));
		assertThat(claims.claim("tenant", Object.class)).contains("acme");
		assertThat(claims.stringListClaim("groups")).contains(List.of("a", "b"));
	}

	@Test
	void claimWhenAbsentOrJsonNullThenEmpty() throws Exception {
		SessionClaims claims = claims();
		assertThat(claims.claim("missing", String.class)).isEmpty();
		assertThat(claims.claim("nothing", String.class)).isEmpty();
		assertThat(claims.claimNames()).doesNotContain("nothing").contains("sub", "address");
		assertThat(claims.stringListClaim("missing")).isEmpty();
	}

	@Test
	void claimWhenTypeMismatchThenIllegalArgumentNamingTypesNotValue() throws Exception {
		SessionClaims claims = claims();
		assertThatIllegalArgumentException().isThrownBy(() -> claims.claim("tenant", Long.class))
			.withMessageContaining("\"tenant\"")
			.withMessageContaining("string")
			.withMessageNotContaining("acme");
		assertThatIllegalArgumentException().isThrownBy(() -> claims.claim("ratio", Integer.class));
		assertThatIllegalArgumentException().isThrownBy(() -> claims.stringListClaim("mixed"));
		assertThatIllegalArgumentException().isThrownBy(() -> claims.stringListClaim("tenant"));
	}

	@Test
	void claimsWhenModifiedThenUnsupported() throws Exception {
		SessionClaims claims = claims();
		assertThatThrownBy(() -> claims.roles().add("root")).isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> claims.scopes().clear()).isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> claims.claimNames().remove("sub")).isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> claims.claim("address", Map.class).orElseThrow().put("city", "Paris"))
			.isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> claims.claim("groups", List.class).orElseThrow().add("x"))
			.isInstanceOf(UnsupportedOperationException.class);
		assertThatThrownBy(() -> claims.stringListClaim("groups").orElseThrow().clear())
			.isInstanceOf(UnsupportedOperationException.class);
	}

	@Test
	void fromVerifiedJsonWhenJsonNullMembersThenTreatedAsAbsent() throws Exception {
		Map<String, Object> json = json();
		json.put("tenant", null);
		SessionClaims claims = SessionClaims.fromVerifiedJson(json);
		assertThat(claims.tenant()).isEmpty();
		assertThat(claims.claimNames()).doesNotContain("tenant", "nothing");
	}

	@Test
	void equalsWhenSameClaimsThenEqualAndSameHash() throws Exception {
		assertThat(claims()).isEqualTo(claims()).hasSameHashCodeAs(claims());
		Map<String, Object> other = json();
		other.put("sub", "u2");
		assertThat(SessionClaims.fromVerifiedJson(other)).isNotEqualTo(claims());
	}

	@Test
	void toStringWhenVerifiedTokenThenSessionButNoToken() throws Exception {
		try (TestAuthorizationServer server = TestAuthorizationServer.start(TestKeys.RSA_K1)) {
			String token = TestJwts.accessToken(server.issuer()).build();
			SessionClaims claims = JwtVerifier.builder().issuer(server.issuer()).build().verify(token);
			String text = claims.toString();
			assertThat(text).contains("sub=u1", "username=alice", "client_id=web-app", "tenant=acme",
					"roles=[user, admin]");
			Rejections.assertNoTokenContent(text, token);
		}
	}

	@Test
	void fromVerifiedJsonWhenListOfOneAudienceThenThatAudience() throws Exception {
		Map<String, Object> json = new LinkedHashMap<>(json());
		json.put("aud", new ArrayList<>(List.of("internal")));
		assertThat(SessionClaims.fromVerifiedJson(json).audience()).isEqualTo("internal");
	}

}
