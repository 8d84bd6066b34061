package dev.lanyard.jwt;

import static dev.lanyard.jwt.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * Valid tokens and the claim rules: times with and without skew, issuer, audience, token
 * type confusion (docs/SECURITY.md §3, JW-18 to JW-24).
 */
class JwtVerifierClaimsTest {

	private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

	private static TestAuthorizationServer server;

	private static JwtVerifier verifier;

	@BeforeAll
	static void startServer() {
		server = TestAuthorizationServer.start(TestKeys.RSA_K1, TestKeys.RSA_K2, TestKeys.EC_E1);
		verifier = verifier(JwtVerifier.DEFAULT_CLOCK_SKEW);
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private static JwtVerifier verifier(Duration skew) {
		return JwtVerifier.builder()
			.issuer(server.issuer())
			.audience("internal")
			.clockSkew(skew)
			.clock(Clock.fixed(NOW, ZoneOffset.UTC))
			.build();
	}

	private static TestJwts token() {
		return TestJwts.accessToken(server.issuer(), NOW);
	}

	@Test
	void verifyWhenValidRs256TokenThenTypedClaims() throws Exception {
		SessionClaims claims = verifier.verify(token().build());

		assertThat(claims.subject()).isEqualTo("u1");
		assertThat(claims.issuer()).isEqualTo(server.issuer());
		assertThat(claims.audience()).isEqualTo("internal");
		assertThat(claims.username()).contains("alice");
		assertThat(claims.clientId()).contains("web-app");
		assertThat(claims.scopes()).containsExactly("openid", "profile", "orders:read");
		assertThat(claims.roles()).containsExactly("user", "admin");
		assertThat(claims.sessionId()).contains("s-42");
		assertThat(claims.tenant()).contains("acme");
		assertThat(claims.authTime()).contains(NOW.minusSeconds(60));
		assertThat(claims.issuedAt()).isEqualTo(NOW);
		assertThat(claims.notBefore()).contains(NOW);
		assertThat(claims.expiresAt()).isEqualTo(NOW.plusSeconds(300));
		assertThat(claims.tokenId()).isNotBlank();
	}

	@Test
	void verifyWhenValidEs256TokenThenAccepted() throws Exception {
		assertThat(verifier.verify(token().signedWith(TestKeys.EC_E1).build()).subject()).isEqualTo("u1");
	}

	@Test
	void verifyWhenTypIsMediaTypeFormOrOtherCaseThenAccepted() throws Exception {
		// RFC 7515 §4.1.9 and RFC 9068 §4: "application/at+jwt" is the same type; media
		// types ignore case.
		assertThat(verifier.verify(token().header("typ", "application/at+jwt").build())).isNotNull();
		assertThat(verifier.verify(token().header("typ", "AT+JWT").build())).isNotNull();
	}

	@Test
	void verifyWhenAudienceIsSingleElementArrayThenAccepted() throws Exception {
		assertThat(verifier.verify(token().claim("aud", List.of("internal")).build()).audience()).isEqualTo("internal");
	}

	@Test
	void verifyWhenNumericDatesAreFractionalThenAccepted() throws Exception {
		// RFC 7519 §2: a NumericDate may be non-integer.
		SessionClaims claims = verifier.verify(token().claim("exp", NOW.getEpochSecond() + 120.5).build());
		assertThat(claims.expiresAt()).isEqualTo(NOW.plusSeconds(120));
	}

	// JW-18: exp

	@Test
	@DisplayName("JW-18 exp passed beyond the default 30 s skew is rejected")
	void verifyWhenExpiredBeyondDefaultSkewThenExpired() {
		assertRejected(verifier, token().claim("exp", NOW.getEpochSecond() - 31).build(), Reason.EXPIRED);
	}

	@Test
	@DisplayName("JW-18 exp passed within the default 30 s skew is accepted")
	void verifyWhenExpiredWithinDefaultSkewThenAccepted() throws Exception {
		assertThat(verifier.verify(token().claim("exp", NOW.getEpochSecond() - 29).build())).isNotNull();
	}

	@Test
	@DisplayName("JW-18 with a 60 s skew: now-61 rejected, now-30 accepted")
	void verifyWhenSkewIsSixtySecondsThenBoundaryAtSixty() throws Exception {
		JwtVerifier sixty = verifier(Duration.ofSeconds(60));
		assertRejected(sixty, token().claim("exp", NOW.getEpochSecond() - 61).build(), Reason.EXPIRED);
		assertThat(sixty.verify(token().claim("exp", NOW.getEpochSecond() - 30).build())).isNotNull();
	}

	@Test
	@DisplayName("JW-18 without skew, exp equal to now is rejected (RFC 7519 §4.1.4: on or after)")
	void verifyWhenNoSkewAndExpIsNowThenExpired() {
		JwtVerifier strict = verifier(Duration.ZERO);
		assertRejected(strict, token().claim("exp", NOW.getEpochSecond()).build(), Reason.EXPIRED);
	}

	@Test
	@DisplayName("JW-18 missing exp, string exp, over-long lifetime")
	void verifyWhenExpMissingOrStringOrLifetimeTooLongThenRejected() {
		assertRejected(verifier, token().withoutClaim("exp").build(), Reason.MISSING_CLAIM);
		assertRejected(verifier, token().claim("exp", "9999999999").build(), Reason.INVALID_CLAIM);
		assertRejected(verifier, token().claim("exp", NOW.getEpochSecond() + 601).build(), Reason.INVALID_CLAIM);
		assertRejected(verifier, token().claim("exp", -1).build(), Reason.INVALID_CLAIM);
		assertRejected(verifier, token().claim("exp", 1e300).build(), Reason.INVALID_CLAIM);
	}

	// JW-19: nbf

	@Test
	@DisplayName("JW-19 nbf in the future beyond the default skew is rejected, within it accepted")
	void verifyWhenNotBeforeInFutureThenRejectedBeyondSkew() throws Exception {
		assertRejected(verifier, token().claim("nbf", NOW.getEpochSecond() + 31).build(), Reason.NOT_YET_VALID);
		assertThat(verifier.verify(token().claim("nbf", NOW.getEpochSecond() + 29).build())).isNotNull();
	}

	@Test
	@DisplayName("JW-19 with a 60 s skew: now+61 rejected, now+30 accepted; without skew now+1 rejected")
	void verifyWhenNotBeforeAndSkewVariesThenBoundaryFollowsSkew() throws Exception {
		JwtVerifier sixty = verifier(Duration.ofSeconds(60));
		assertRejected(sixty, token().claim("nbf", NOW.getEpochSecond() + 61).build(), Reason.NOT_YET_VALID);
		assertThat(sixty.verify(token().claim("nbf", NOW.getEpochSecond() + 30).build())).isNotNull();
		assertRejected(verifier(Duration.ZERO), token().claim("nbf", NOW.getEpochSecond() + 1).build(),
				Reason.NOT_YET_VALID);
	}

	// JW-20: iat

	@Test
	@DisplayName("JW-20 iat five minutes in the future is rejected; missing iat is rejected")
	void verifyWhenIssuedInFutureOrIatMissingThenRejected() {
		String future = token().claim("iat", NOW.getEpochSecond() + 300)
			.claim("nbf", NOW.getEpochSecond())
			.claim("exp", NOW.getEpochSecond() + 400)
			.build();
		assertRejected(verifier, future, Reason.NOT_YET_VALID);
		assertRejected(verifier, token().withoutClaim("iat").build(), Reason.MISSING_CLAIM);
	}

	// JW-21: issuer

	@Test
	@DisplayName("JW-21 wrong, trailing-slash, upper-cased and missing iss are rejected (exact match)")
	void verifyWhenIssuerDiffersThenWrongIssuer() {
		String issuer = server.issuer();
		assertRejected(verifier, token().claim("iss", "https://evil.example").build(), Reason.WRONG_ISSUER);
		assertRejected(verifier, token().claim("iss", issuer + "/").build(), Reason.WRONG_ISSUER);
		assertRejected(verifier, token().claim("iss", issuer.replace("http://", "HTTP://")).build(),
				Reason.WRONG_ISSUER);
		assertRejected(verifier, token().withoutClaim("iss").build(), Reason.MISSING_CLAIM);
		assertRejected(verifier, token().claim("iss", 42).build(), Reason.INVALID_CLAIM);
	}

	// JW-22: audience

	@Test
	@DisplayName("JW-22 token for another service, missing aud, several audiences, non-string aud")
	void verifyWhenAudienceDiffersThenRejected() {
		assertRejected(verifier, token().claim("aud", "svc-b").build(), Reason.WRONG_AUDIENCE);
		assertRejected(verifier, token().withoutClaim("aud").build(), Reason.MISSING_CLAIM);
		// Policy (docs/SECURITY.md decision 2): exactly one audience; a multi-audience
		// token is refused.
		assertRejected(verifier, token().claim("aud", List.of("svc-b", "internal")).build(), Reason.WRONG_AUDIENCE);
		assertRejected(verifier, token().claim("aud", 42).build(), Reason.INVALID_CLAIM);
		assertRejected(verifier, token().claim("aud", Map.of("x", "internal")).build(), Reason.INVALID_CLAIM);
		assertRejected(verifier, token().claim("aud", List.of()).build(), Reason.INVALID_CLAIM);
	}

	// JW-23: ID token as access token

	@Test
	@DisplayName("JW-23 an ID token (typ JWT, aud = client, nonce) presented as an access token is rejected")
	void verifyWhenIdTokenPresentedThenWrongType() {
		String idToken = token().header("typ", "JWT")
			.claim("aud", "web-app")
			.claim("nonce", "n-0S6_WzA2Mj")
			.withoutClaim("scope")
			.build();
		assertRejected(verifier, idToken, Reason.WRONG_TYPE);
		assertRejected(verifier, token().withoutHeader("typ").claim("aud", "web-app").build(), Reason.WRONG_TYPE);
		assertRejected(verifier, token().header("typ", "logout+jwt").build(), Reason.WRONG_TYPE);
		// Even with the right typ, the client audience keeps it out.
		assertRejected(verifier, token().claim("aud", "web-app").build(), Reason.WRONG_AUDIENCE);
	}

	// JW-24: other JWTs signed by our own keys

	@Test
	@DisplayName("JW-24 a client assertion or DPoP proof signed by a key in the JWKS is rejected")
	void verifyWhenOtherJwtKindsSignedByOurKeysThenWrongType() {
		String clientAssertion = token().withoutHeader("typ")
			.claim("aud", server.issuer() + "/oauth2/token")
			.claim("sub", "web-app")
			.build();
		assertRejected(verifier, clientAssertion, Reason.WRONG_TYPE);
		assertRejected(verifier, token().header("typ", "dpop+jwt").build(), Reason.WRONG_TYPE);
		assertRejected(verifier, token().header("typ", "client-authentication+jwt").build(), Reason.WRONG_TYPE);
	}

	@Test
	void verifyWhenRequiredClaimMissingThenMissingClaim() {
		assertRejected(verifier, token().withoutClaim("sub").build(), Reason.MISSING_CLAIM);
		assertRejected(verifier, token().withoutClaim("jti").build(), Reason.MISSING_CLAIM);
		assertRejected(verifier, token().claim("sub", null).build(), Reason.MISSING_CLAIM);
	}

	@Test
	void verifyWhenClaimHasWrongTypeThenInvalidClaim() {
		assertRejected(verifier, token().claim("sub", "").build(), Reason.INVALID_CLAIM);
		assertRejected(verifier, token().claim("scope", List.of("openid")).build(), Reason.INVALID_CLAIM);
		assertRejected(verifier, token().claim("roles", "admin").build(), Reason.INVALID_CLAIM);
		assertRejected(verifier, token().claim("roles", List.of("user", 7)).build(), Reason.INVALID_CLAIM);
		assertRejected(verifier, token().claim("auth_time", "yesterday").build(), Reason.INVALID_CLAIM);
		assertRejected(verifier, token().claim("tenant", List.of("acme")).build(), Reason.INVALID_CLAIM);
	}

	@Test
	void verifyWhenAudienceConfiguredDifferentlyThenOnlyThatAudience() throws Exception {
		JwtVerifier orders = JwtVerifier.builder()
			.issuer(server.issuer())
			.audience("orders")
			.clock(Clock.fixed(NOW, ZoneOffset.UTC))
			.build();
		assertRejected(orders, token().build(), Reason.WRONG_AUDIENCE);
		assertThat(orders.verify(token().claim("aud", "orders").build()).audience()).isEqualTo("orders");
	}

}
