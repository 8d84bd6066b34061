package dev.lanyard.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * One verifier shared by many threads, with algorithms alternating on each thread: the
 * shared processor, key selection and verified-token cache never let one token's outcome
 * leak into another's.
 */
class JwtVerifierConcurrencyTest {

	// An RSA key without "alg", usable for RS256 and PS256 alike.
	private static final RSAKey ANY_RSA = new RSAKey.Builder(TestKeys.RSA_K1).keyID("p1").algorithm(null).build();

	private static TestAuthorizationServer server;

	private static JwtVerifier verifier;

	@BeforeAll
	static void start() {
		server = TestAuthorizationServer.start(TestKeys.RSA_K1, TestKeys.EC_E1, ANY_RSA);
		verifier = JwtVerifier.builder().issuer(server.issuer()).algorithms(List.of("RS256", "ES256", "PS256")).build();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void verifyWhenAlgorithmsAlternateOnOneThreadThenEachOutcomeIsItsOwn() throws Exception {
		String rs256 = TestJwts.accessToken(server.issuer()).build();
		String es256 = TestJwts.accessToken(server.issuer()).signedWith(TestKeys.EC_E1).claim("sub", "ec").build();
		String ps256 = TestJwts.accessToken(server.issuer())
			.signedWith(ANY_RSA)
			.header("alg", "PS256")
			.signingAlgorithm(JWSAlgorithm.PS256)
			.claim("sub", "pss")
			.build();
		String forged = TestJwts.accessToken(server.issuer()).signedWith(TestKeys.ATTACKER).build();
		// k1 declares "alg":"RS256", so it never verifies PS256 even with the same key
		// material.
		String ps256WithK1 = TestJwts.accessToken(server.issuer())
			.header("alg", "PS256")
			.signingAlgorithm(JWSAlgorithm.PS256)
			.build();
		assertThat(Rejections.rejection(verifier, ps256WithK1).reason()).isEqualTo(Reason.UNKNOWN_KEY);
		for (int i = 0; i < 3; i++) {
			assertThat(verifier.verify(rs256).subject()).isEqualTo("u1");
			assertThat(Rejections.rejection(verifier, forged).reason()).isEqualTo(Reason.BAD_SIGNATURE);
			assertThat(verifier.verify(es256).subject()).isEqualTo("ec");
			assertThat(verifier.verify(ps256).subject()).isEqualTo("pss");
			assertThat(Rejections.rejection(verifier, ps256.substring(0, ps256.length() - 4) + "AAAA").reason())
				.isEqualTo(Reason.BAD_SIGNATURE);
		}
	}

	@Test
	void verifyWhenManyThreadsMixValidAndForgedTokensThenEveryOutcomeCorrect() throws Exception {
		List<String> valid = new ArrayList<>();
		List<String> forged = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			valid.add(TestJwts.accessToken(server.issuer())
				.claim("sub", "user-" + i)
				.signedWith(i % 2 == 0 ? TestKeys.RSA_K1 : TestKeys.EC_E1)
				.build());
			forged.add(TestJwts.accessToken(server.issuer())
				.claim("sub", "user-" + i)
				.signedWith(TestKeys.ATTACKER)
				.build());
		}
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Callable<Boolean>> calls = new ArrayList<>();
			for (int round = 0; round < 20; round++) {
				for (int i = 0; i < valid.size(); i++) {
					int index = i;
					calls.add(() -> verifier.verify(valid.get(index)).subject().equals("user-" + index));
					calls.add(() -> Rejections.rejection(verifier, forged.get(index)).reason() == Reason.BAD_SIGNATURE);
				}
			}
			for (Future<Boolean> outcome : pool.invokeAll(calls)) {
				assertThat(outcome.get()).isTrue();
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

}
