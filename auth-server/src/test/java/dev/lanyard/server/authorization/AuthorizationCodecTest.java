package dev.lanyard.server.authorization;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.lanyard.server.user.LanyardUser;
import org.junit.jupiter.api.Test;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Grant rows as nodes of two versions read and write them during a rolling upgrade. */
class AuthorizationCodecTest {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

	private final AuthorizationCodec codec = new AuthorizationCodec();

	private final RegisteredClient client = RegisteredClient.withId("client-1")
		.clientId("web-app")
		.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
		.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
		.redirectUri("https://app.example.com/callback")
		.scope("openid")
		.build();

	/**
	 * An attribute of a kind a later version stores: this node reads the grant (it used
	 * to fail every use of it) and writes the attribute back as it was, for the nodes
	 * that know it.
	 */
	@Test
	void decodeWhenAttributeOfAKindFromALaterVersionThenGrantReadAndAttributeWrittenBackAsItWas() {
		String later = "{\"$type\":\"from_a_later_version\",\"kept\":[\"a\",\"b\"],\"n\":2}";
		StoredAuthorization stored = TestStoredAuthorizations.grant(NOW)
			.attributes("{\"later.attribute\":" + later + "}")
			.accessToken(TestStoredAuthorizations.token("lyat_a-token", NOW.plus(Duration.ofMinutes(15))))
			.accessTokenScopes("openid")
			.build();

		OAuth2Authorization decoded = this.codec.decode(stored, this.client, null, null);

		assertThat(decoded.getAccessToken()).isNotNull();
		StoredAuthorization written = this.codec.encode(decoded, stored.version() + 1, stored.createdAt());
		assertThat(written.attributes()).contains("\"later.attribute\":" + later);
	}

	/**
	 * A member of the signed-in person a later version stores (as {@code idp} and
	 * {@code begun_at} once were): this node writes it back when it rewrites the row (a
	 * refresh), where it was lost for the nodes that read it.
	 */
	@Test
	void encodeWhenPrincipalHasAMemberFromALaterVersionThenWrittenBack() {
		StoredAuthorization stored = grantOfAlice(",\"later_member\":{\"kept\":[1,2]}");

		OAuth2Authorization decoded = this.codec.decode(stored, this.client, null, null);
		StoredAuthorization written = this.codec.encode(decoded, stored.version() + 1, stored.createdAt());

		assertThat(written.attributes()).contains("\"later_member\":{\"kept\":[1,2]}")
			.contains("\"login_name\":\"alice\"")
			.doesNotContain(AuthorizationCodec.LATER_PRINCIPAL_MEMBERS);
	}

	/**
	 * The end of every sign-in a grant's sign-in went on under: kept through the row (its
	 * code is redeemed only while the account still holds it), "none" as such; a grant an
	 * older node stored keeps none, and is judged by its sign-in time.
	 */
	@Test
	void decodeWhenPrincipalKeepsTheEndOfEverySignInThenKeptAndOlderRowsJudgedByTime() {
		Instant notBefore = Instant.parse("2026-12-07T09:00:00.123456Z");
		for (String member : new String[] { ",\"sign_ins_not_before\":\"" + notBefore + "\"",
				",\"sign_ins_not_before\":null", "" }) {
			StoredAuthorization stored = grantOfAlice(member);

			OAuth2Authorization decoded = this.codec.decode(stored, this.client, null, null);
			LanyardUser user = (LanyardUser) ((Authentication) decoded.getAttribute(Principal.class.getName()))
				.getPrincipal();
			assertThat(user.signInsNotBeforeKept()).as(member).isEqualTo(!member.isEmpty());
			assertThat(user.signInsNotBefore()).as(member).isEqualTo(member.contains("Z") ? notBefore : null);
			StoredAuthorization written = this.codec.encode(decoded, stored.version() + 1, stored.createdAt());
			assertThat(written.attributes().contains("sign_ins_not_before")).as(member).isEqualTo(!member.isEmpty());
			assertThat(((LanyardUser) ((Authentication) this.codec.decode(written, this.client, null, null)
				.getAttribute(Principal.class.getName())).getPrincipal()).signInsNotBefore())
				.isEqualTo(user.signInsNotBefore());
		}
	}

	/**
	 * A principal made here writes the end of every sign-in it keeps (none, as such), and
	 * one that keeps none writes no member.
	 */
	@Test
	void encodeWhenPrincipalKeepsTheEndOfEverySignInThenWritten() {
		java.util.UUID id = java.util.UUID.fromString("0b9d6c1e-6f0a-4c43-9d0e-1c7a0a4d2f11");
		Instant notBefore = Instant.parse("2026-12-07T09:00:00.123456Z");
		LanyardUser[] users = { new LanyardUser(id, "alice", null, true, false, java.util.List.of("user"), notBefore),
				new LanyardUser(id, "alice", null, true, false, java.util.List.of("user"), null),
				new LanyardUser(id, "alice", null, true, false, java.util.List.of("user")) };
		String[] written = { "\"sign_ins_not_before\":\"" + notBefore + "\"", "\"sign_ins_not_before\":null", null };
		for (int i = 0; i < users.length; i++) {
			OAuth2Authorization authorization = OAuth2Authorization.withRegisteredClient(this.client)
				.id("grant-" + i)
				.principalName(id.toString())
				.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
				.attribute(Principal.class.getName(),
						org.springframework.security.authentication.UsernamePasswordAuthenticationToken
							.authenticated(users[i], null, users[i].getAuthorities()))
				.build();
			String attributes = this.codec.encode(authorization, 1, NOW).attributes();
			if (written[i] != null) {
				assertThat(attributes).contains(written[i]);
			}
			else {
				assertThat(attributes).doesNotContain("sign_ins_not_before");
			}
		}
	}

	/**
	 * A stored grant of alice's, with an access token, whose principal has these members
	 * beside its own (a JSON fragment starting with a comma, or empty).
	 */
	private static StoredAuthorization grantOfAlice(String members) {
		String principal = "{\"$type\":\"user\",\"id\":\"0b9d6c1e-6f0a-4c43-9d0e-1c7a0a4d2f11\","
				+ "\"login_name\":\"alice\",\"roles\":[\"user\"],\"sid\":\"session-1\","
				+ "\"auth_time\":\"2026-12-07T10:00:00Z\",\"remote_address\":\"127.0.0.1\"" + members + "}";
		return TestStoredAuthorizations.grant(NOW)
			.attributes("{\"java.security.Principal\":" + principal + "}")
			.accessToken(TestStoredAuthorizations.token("lyat_a-token", NOW.plus(Duration.ofMinutes(15))))
			.accessTokenScopes("openid")
			.build();
	}

}
