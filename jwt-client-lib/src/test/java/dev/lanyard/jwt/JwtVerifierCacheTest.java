package dev.lanyard.jwt;

import static dev.lanyard.jwt.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.jwk.JWK;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * The verified-token cache: a token verified before is answered from memory (the same
 * {@link SessionClaims} instance), but never past its {@code exp}, never once the key it
 * verified with has left the JWKS, and never for a token that differs by one character.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JwtVerifierCacheTest {

	private final MutableClock clock = new MutableClock(Instant.now());

	private TestAuthorizationServer server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private JwtVerifier verifier(int cacheSize, JWK... keys) {
		this.server = TestAuthorizationServer.start(keys);
		return JwtVerifier.builder()
			.issuer(this.server.issuer())
			.clock(this.clock)
			.verifiedTokenCacheSize(cacheSize)
			.build();
	}

	private TestJwts token() {
		return TestJwts.accessToken(this.server.issuer(), this.clock.instant());
	}

	@Test
	void verifyWhenSameTokenAgainThenAnsweredFromTheCache() throws Exception {
		JwtVerifier verifier = verifier(JwtVerifier.DEFAULT_VERIFIED_TOKEN_CACHE_SIZE, TestKeys.RSA_K1);
		String token = token().build();
		SessionClaims first = verifier.verify(token);
		assertThat(verifier.verify(token)).isSameAs(first);
		// Another token of the same session is verified on its own.
		assertThat(verifier.verify(token().build())).isNotSameAs(first);
	}

	@Test
	void verifyWhenCacheOffThenEveryTimeInFull() throws Exception {
		JwtVerifier verifier = verifier(0, TestKeys.RSA_K1);
		String token = token().build();
		assertThat(verifier.verify(token)).isNotSameAs(verifier.verify(token)).isEqualTo(verifier.verify(token));
	}

	@Test
	void verifyWhenTamperedCopyOfACachedTokenThenRejected() throws Exception {
		JwtVerifier verifier = verifier(JwtVerifier.DEFAULT_VERIFIED_TOKEN_CACHE_SIZE, TestKeys.RSA_K1);
		String token = token().build();
		verifier.verify(token);
		int dot = token.lastIndexOf('.');
		char last = token.charAt(dot + 1);
		String tampered = token.substring(0, dot + 1) + (last == 'A' ? 'B' : 'A') + token.substring(dot + 2);
		assertRejected(verifier, tampered, Reason.BAD_SIGNATURE);
		String otherPayload = token.substring(0, token.indexOf('.') + 1) + TestJwts.b64("{\"sub\":\"mallory\"}")
				+ token.substring(dot);
		assertRejected(verifier, otherPayload, Reason.BAD_SIGNATURE);
	}

	@Test
	void verifyWhenCachedTokenExpiresThenRejectedAsAVerificationWould() throws Exception {
		JwtVerifier verifier = verifier(JwtVerifier.DEFAULT_VERIFIED_TOKEN_CACHE_SIZE, TestKeys.RSA_K1);
		String token = token().build();
		verifier.verify(token);
		// Past exp but within the tolerated clock skew: a verification accepts it, so may
		// the cache.
		this.clock.advance(Duration.ofSeconds(300 + 10));
		assertThat(verifier.verify(token)).isNotNull();
		this.clock.advance(JwtVerifier.DEFAULT_CLOCK_SKEW);
		assertRejected(verifier, token, Reason.EXPIRED);
	}

	@Test
	void verifyWhenKeyLeavesTheJwksThenCachedTokensOfThatKeyRejected() throws Exception {
		JwtVerifier verifier = verifier(JwtVerifier.DEFAULT_VERIFIED_TOKEN_CACHE_SIZE, TestKeys.RSA_K1,
				TestKeys.RSA_K2);
		long now = this.clock.instant().getEpochSecond();
		String byK1 = token().claim("exp", now + 540).build();
		String byK2 = token().claim("exp", now + 540).signedWith(TestKeys.RSA_K2).build();
		SessionClaims k1Claims = verifier.verify(byK1);
		SessionClaims k2Claims = verifier.verify(byK2);
		this.server.publish(TestKeys.RSA_K2); // k1 withdrawn

		this.clock.advance(Duration.ofMinutes(4));
		assertThat(verifier.verify(byK1)).as("the JWKS cache is still fresh").isSameAs(k1Claims);
		this.clock.advance(Duration.ofSeconds(61)); // the JWKS is fetched again: k1 is
													// gone
		assertRejected(verifier, byK1, Reason.UNKNOWN_KEY);
		assertThat(verifier.verify(byK2)).as("k2 is still published: still cached").isSameAs(k2Claims);
	}

	@Test
	void builderWhenCacheSizeOutOfRangeThenRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> JwtVerifier.builder().issuer("http://localhost:1").verifiedTokenCacheSize(-1).build())
			.withMessageContaining("verifiedTokenCacheSize");
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> JwtVerifier.builder().issuer("http://localhost:1").verifiedTokenCacheSize(1_000_001).build())
			.withMessageContaining("verifiedTokenCacheSize");
	}

}
