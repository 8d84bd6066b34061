package dev.lanyard.jwt;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.lanyard.jwt.JwtVerificationException.Reason;
import dev.lanyard.jwt.LogoutTokenVerifier.LogoutToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link LogoutTokenVerifier}: OpenID Connect Back-Channel Logout 1.0 §2.6, and JW-23 — a
 * logout token never passes as an access token, and no access token as a logout token.
 */
class LogoutTokenVerifierTest {

	private static TestAuthorizationServer server;

	private static LogoutTokenVerifier logouts;

	@BeforeAll
	static void start() {
		server = TestAuthorizationServer.start(TestKeys.RSA_K1);
		logouts = LogoutTokenVerifier.builder().issuer(server.issuer()).clientId("web-app").build();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	/** A logout token as Lanyard makes it, for web-app. */
	private static TestJwts logoutToken() {
		long now = Instant.now().getEpochSecond();
		return TestJwts.accessToken(server.issuer())
			.header("typ", "logout+jwt")
			.withoutClaim("nbf")
			.withoutClaim("client_id")
			.withoutClaim("scope")
			.withoutClaim("auth_time")
			.withoutClaim("preferred_username")
			.withoutClaim("roles")
			.withoutClaim("tenant")
			.claim("aud", List.of("web-app"))
			.claim("iat", now)
			.claim("exp", now + 120)
			.claim("jti", UUID.randomUUID().toString())
			.claim("events", Map.of(LogoutTokenVerifier.EVENT, Map.of()));
	}

	@Test
	void verifyWhenLogoutTokenThenSubjectSessionAndOnlyOnce() throws Exception {
		String token = logoutToken().build();
		LogoutToken logout = logouts.verify(token);
		assertThat(logout.subject()).isEqualTo("u1");
		assertThat(logout.sessionId()).isEqualTo("s-42");
		assertThatThrownBy(() -> logouts.verify(token)).isInstanceOfSatisfying(JwtVerificationException.class,
				(ex) -> assertThat(ex.reason()).isEqualTo(Reason.INVALID_CLAIM));
	}

	@Test
	void verifyWhenARuleIsBrokenThenRejectedWithItsReason() {
		assertRejected(logoutToken().header("typ", "at+jwt").build(), Reason.WRONG_TYPE);
		assertRejected(logoutToken().withoutHeader("typ").build(), Reason.WRONG_TYPE);
		assertRejected(logoutToken().claim("iss", "https://other.example").build(), Reason.WRONG_ISSUER);
		assertRejected(logoutToken().claim("aud", List.of("another-app")).build(), Reason.WRONG_AUDIENCE);
		assertRejected(logoutToken().withoutClaim("jti").build(), Reason.MISSING_CLAIM);
		assertRejected(logoutToken().withoutClaim("exp").build(), Reason.MISSING_CLAIM);
		assertRejected(logoutToken().claim("exp", Instant.now().getEpochSecond() - 120).build(), Reason.EXPIRED);
		assertRejected(logoutToken().claim("iat", Instant.now().getEpochSecond() + 600).build(), Reason.NOT_YET_VALID);
		assertRejected(logoutToken().withoutClaim("events").build(), Reason.INVALID_CLAIM);
		assertRejected(logoutToken().claim("events", Map.of("http://example.com/other", Map.of())).build(),
				Reason.INVALID_CLAIM);
		assertRejected(logoutToken().claim("events", Map.of(LogoutTokenVerifier.EVENT, "yes")).build(),
				Reason.INVALID_CLAIM);
		assertRejected(logoutToken().claim("nonce", "n").build(), Reason.INVALID_CLAIM);
		assertRejected(logoutToken().withoutClaim("sub").withoutClaim("sid").build(), Reason.MISSING_CLAIM);
		assertRejected(logoutToken().signedWith(TestKeys.ATTACKER).build(), Reason.BAD_SIGNATURE);
		assertRejected(logoutToken().header("jku", "https://attacker.example/jwks").build(), Reason.UNSUPPORTED_HEADER);
		assertRejected(logoutToken().header("alg", "none").build(), Reason.MALFORMED, Reason.UNSUPPORTED_ALGORITHM);
		assertRejected(null, Reason.MALFORMED);
		assertRejected("not.a.jwt", Reason.MALFORMED);
	}

	/** JW-23: the two kinds of token never pass for each other. */
	@Test
	void verifyWhenAccessTokenOrLogoutTokenAtTheOtherVerifierThenWrongType() {
		assertRejected(TestJwts.accessToken(server.issuer()).claim("aud", List.of("web-app")).build(),
				Reason.WRONG_TYPE);
		JwtVerifier accessTokens = JwtVerifier.builder()
			.issuer(server.issuer())
			.audience("web-app")
			.jwksUri(server.jwksUri())
			.build();
		assertThat(Rejections.assertRejected(accessTokens, logoutToken().build(), Reason.WRONG_TYPE)).isNotNull();
	}

	private static void assertRejected(String token, Reason... reasons) {
		assertThatThrownBy(() -> logouts.verify(token)).isInstanceOfSatisfying(JwtVerificationException.class,
				(ex) -> assertThat(ex.reason()).as(ex.getMessage()).isIn((Object[]) reasons));
	}

}
