package dev.lanyard.jwt;

import static dev.lanyard.jwt.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * JWKS handling against a real HTTP server that counts requests: caching, refresh ahead,
 * rate-limited refetch on unknown {@code kid}, key rotation and withdrawal, outages,
 * hostile JWKS content, and headers or issuers that try to redirect key loading
 * (docs/SECURITY.md §3: JW-09, JW-11, JW-12, JW-29, JW-30, JW-31).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JwtVerifierJwksTest {

	private final MutableClock clock = new MutableClock(Instant.now());

	private TestAuthorizationServer server;

	@AfterEach
	void stopServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	private JwtVerifier verifierFor(JWK... keys) {
		this.server = TestAuthorizationServer.start(keys);
		return JwtVerifier.builder().issuer(this.server.issuer()).clock(this.clock).build();
	}

	private TestJwts token() {
		return TestJwts.accessToken(this.server.issuer(), this.clock.instant());
	}

	private static void awaitCount(IntSupplier counter, int expected) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (counter.getAsInt() < expected && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(counter.getAsInt()).isEqualTo(expected);
	}

	@Test
	void verifyWhenManyTokensThenJwksFetchedOnceThroughDiscovery() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		for (int i = 0; i < 50; i++) {
			verifier.verify(token().build());
		}
		assertThat(this.server.discoveryFetches()).isEqualTo(1);
		assertThat(this.server.jwksFetches()).isEqualTo(1);
	}

	@Test
	void verifyWhenJwksUriConfiguredThenNoDiscovery() throws Exception {
		this.server = TestAuthorizationServer.start(TestKeys.RSA_K1);
		JwtVerifier verifier = JwtVerifier.builder()
			.issuer(this.server.issuer())
			.jwksUri(this.server.jwksUri())
			.clock(this.clock)
			.build();
		assertThat(verifier.verify(token().build())).isNotNull();
		assertThat(this.server.discoveryFetches()).isZero();
		assertThat(this.server.jwksFetches()).isEqualTo(1);
	}

	@Test
	void verifyWhenDiscoveryNamesAnotherIssuerThenJwksUnavailable() {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		this.server.discoveryIssuer("https://evil.example");
		assertRejected(verifier, token().build(), Reason.JWKS_UNAVAILABLE);
		assertThat(this.server.jwksFetches()).isZero();
	}

	@Test
	@DisplayName("JW-09 a flood of random kids for 60 s causes at most one refetch per 30 s")
	void verifyWhenUnknownKidFloodThenRefetchesRateLimited() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		verifier.verify(token().build());
		assertThat(this.server.jwksFetches()).isEqualTo(1);

		// 1 000 forged tokens per simulated second for 60 s would be 60 000; 6 000 spread
		// evenly
		// over the same minute meet the same rate limit. The signature is irrelevant: an
		// unknown kid
		// is rejected before any signature check.
		TestJwts template = token();
		String rest = "." + template.encodedPayload() + "." + template.build().split("\\.")[2];
		for (int i = 0; i < 6_000; i++) {
			this.clock.advance(Duration.ofMillis(10));
			String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + UUID.randomUUID() + "\"}";
			assertRejected(verifier, TestJwts.b64(header) + rest, Reason.UNKNOWN_KEY);
			if (i % 500 == 0) {
				assertThat(verifier.verify(token().build()).subject()).isEqualTo("u1");
			}
		}
		// The initial fetch, then one refetch at t = 30 s and one at t = 60 s.
		assertThat(this.server.jwksFetches()).isEqualTo(3);
		assertThat(this.server.discoveryFetches()).isEqualTo(1);
	}

	@Test
	@DisplayName("JW-09 concurrent unknown kids share one refetch")
	void verifyWhenConcurrentUnknownKidsThenSingleRefetch() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		verifier.verify(token().build());
		this.clock.advance(Duration.ofSeconds(31));
		this.server.jwksDelayMillis(200); // keep the refetch in flight while the others
											// arrive
		TestJwts template = token();
		String rest = "." + template.encodedPayload() + "." + template.build().split("\\.")[2];
		List<String> forged = new ArrayList<>();
		for (int i = 0; i < 400; i++) {
			forged.add(TestJwts.b64("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"forged-" + i + "\"}") + rest);
		}
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Callable<Reason>> calls = new ArrayList<>();
			for (String token : forged) {
				calls.add(() -> Rejections.rejection(verifier, token).reason());
			}
			for (Future<Reason> result : pool.invokeAll(calls)) {
				assertThat(result.get()).isEqualTo(Reason.UNKNOWN_KEY);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.server.jwksFetches()).isEqualTo(2);
	}

	@Test
	@DisplayName("Key rotation: a token signed by a newly published key verifies without restart")
	void verifyWhenNewKeyPublishedThenVerifiesAfterRefetch() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		verifier.verify(token().build());
		this.server.publish(TestKeys.RSA_K1, TestKeys.RSA_K2);
		this.clock.advance(Duration.ofSeconds(31));

		SessionClaims claims = verifier.verify(token().signedWith(TestKeys.RSA_K2).build());

		assertThat(claims.subject()).isEqualTo("u1");
		assertThat(this.server.jwksFetches()).isEqualTo(2);
		assertThat(verifier.verify(token().build())).as("old key still published").isNotNull();
	}

	@Test
	@DisplayName("Key rotation: within the refetch interval an unknown kid waits; the cache refresh picks it up")
	void verifyWhenNewKeyPublishedWithinRefetchIntervalThenAcceptedOnceIntervalPassed() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		verifier.verify(token().build());
		this.server.publish(TestKeys.RSA_K1, TestKeys.RSA_K2);
		this.clock.advance(Duration.ofSeconds(5));
		assertRejected(verifier, token().signedWith(TestKeys.RSA_K2).build(), Reason.UNKNOWN_KEY);
		assertThat(this.server.jwksFetches()).isEqualTo(1);

		this.clock.advance(Duration.ofSeconds(26));
		assertThat(verifier.verify(token().signedWith(TestKeys.RSA_K2).build())).isNotNull();
	}

	@Test
	@DisplayName("JW-29 a key withdrawn from the JWKS stops verifying once the 5-minute cache expires")
	void verifyWhenKeyWithdrawnThenRejectedAfterCacheTtl() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1, TestKeys.RSA_K2);
		verifier.verify(token().build());
		this.server.publish(TestKeys.RSA_K2); // emergency withdrawal of k1

		// Exposure window: the cached k1 keeps verifying while the cache is fresh ...
		this.clock.advance(Duration.ofMinutes(4));
		assertThat(verifier.verify(token().build())).isNotNull();
		// ... and not once it has expired (synchronous refresh, no request served from
		// stale keys).
		this.clock.advance(Duration.ofSeconds(61));
		assertRejected(verifier, token().build(), Reason.UNKNOWN_KEY);
		assertThat(verifier.verify(token().signedWith(TestKeys.RSA_K2).build())).isNotNull();
	}

	@Test
	@DisplayName("JW-29 a cache TTL shorter than the refetch interval is the refresh rate (key rotation relies on it)")
	void verifyWhenCacheTtlShorterThanRefetchIntervalThenRefreshedAtTtl() throws Exception {
		this.server = TestAuthorizationServer.start(TestKeys.RSA_K1);
		JwtVerifier verifier = JwtVerifier.builder()
			.issuer(this.server.issuer())
			.clock(this.clock)
			.jwksCacheTtl(Duration.ofSeconds(2))
			.jwksRefreshAhead(Duration.ofMillis(500))
			.build();
		verifier.verify(token().build());
		this.server.publish(TestKeys.RSA_K1, TestKeys.RSA_K2);
		this.clock.advance(Duration.ofSeconds(3));
		assertThat(verifier.verify(token().signedWith(TestKeys.RSA_K2).build())).isNotNull();
		this.server.publish(TestKeys.RSA_K2);
		this.clock.advance(Duration.ofSeconds(3));
		assertRejected(verifier, token().build(), Reason.UNKNOWN_KEY);
		assertThat(this.server.jwksFetches()).isEqualTo(3);
	}

	@Test
	@DisplayName("JW-29 under traffic the refresh runs ahead of expiry, in the background")
	void verifyWhenCacheNearExpiryThenRefreshedInBackground() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1, TestKeys.RSA_K2);
		verifier.verify(token().build());
		this.server.publish(TestKeys.RSA_K2);
		this.clock.advance(Duration.ofMinutes(4).plusSeconds(35));

		assertThat(verifier.verify(token().build())).as("served from cache while refreshing").isNotNull();
		awaitCount(this.server::jwksFetches, 2);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (Rejections.rejectionOrNull(verifier, token().build()) == null && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertRejected(verifier, token().build(), Reason.UNKNOWN_KEY);
	}

	@Test
	void verifyWhenJwksOutageThenCachedKeysKeepServing() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		verifier.verify(token().build());
		this.server.jwksStatus(503);

		this.clock.advance(Duration.ofMinutes(6));
		assertThat(verifier.verify(token().build())).as("stale keys during the outage").isNotNull();
		assertThat(this.server.jwksFetches()).isEqualTo(2);
		for (int i = 0; i < 100; i++) {
			this.clock.advance(Duration.ofMillis(100));
			assertThat(verifier.verify(token().build())).isNotNull();
		}
		assertThat(this.server.jwksFetches()).as("retries spaced by the refetch interval").isEqualTo(2);

		this.server.jwksStatus(200);
		this.server.publish(TestKeys.RSA_K2);
		this.clock.advance(Duration.ofSeconds(21));
		assertRejected(verifier, token().build(), Reason.UNKNOWN_KEY);
		assertThat(this.server.jwksFetches()).isEqualTo(3);
	}

	@Test
	void verifyWhenJwksDownAtStartThenJwksUnavailableAndRecovery() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		this.server.jwksStatus(500);
		assertRejected(verifier, token().build(), Reason.JWKS_UNAVAILABLE);
		assertRejected(verifier, token().build(), Reason.JWKS_UNAVAILABLE);
		assertThat(this.server.jwksFetches()).as("no retry storm").isEqualTo(1);

		this.server.jwksStatus(200);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(verifier.verify(token().build())).isNotNull();
		assertThat(this.server.jwksFetches()).isEqualTo(2);
	}

	@Test
	void verifyWhenJwksSlowThenReadTimeoutBoundsTheWait() {
		this.server = TestAuthorizationServer.start(TestKeys.RSA_K1);
		this.server.jwksDelayMillis(3_000);
		JwtVerifier verifier = JwtVerifier.builder()
			.issuer(this.server.issuer())
			.readTimeout(Duration.ofMillis(200))
			.clock(this.clock)
			.build();
		long start = System.nanoTime();
		assertRejected(verifier, token().build(), Reason.JWKS_UNAVAILABLE);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_000));
	}

	@Test
	void verifyWhenJwksHostUnreachableThenConnectFailureIsJwksUnavailable() {
		this.server = TestAuthorizationServer.start(TestKeys.RSA_K1);
		String issuer = this.server.issuer();
		this.server.close();
		this.server = null;
		JwtVerifier verifier = JwtVerifier.builder().issuer(issuer).connectTimeout(Duration.ofMillis(200)).build();
		assertRejected(verifier, TestJwts.accessToken(issuer).build(), Reason.JWKS_UNAVAILABLE);
	}

	@Test
	@DisplayName("JW-11 jku pointing at the attacker: rejected, the canary receives no request")
	void verifyWhenJkuHeaderThenRejectedWithoutFetching() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		String evil = token().signedWith(TestKeys.ATTACKER)
			.header("kid", "evil")
			.header("jku", this.server.canaryUrl())
			.build();
		assertRejected(verifier, evil, Reason.UNSUPPORTED_HEADER);
		assertRejected(verifier, token().header("jku", this.server.canaryUrl()).build(), Reason.UNSUPPORTED_HEADER);
		assertThat(this.server.canaryHits()).isZero();
	}

	@Test
	@DisplayName("JW-12 x5u to the canary and x5c with a self-signed certificate whose key signed the token")
	void verifyWhenX5uOrX5cHeaderThenRejectedWithoutFetching(@TempDir Path dir) throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		assertRejected(verifier, token().signedWith(TestKeys.ATTACKER).header("x5u", this.server.canaryUrl()).build(),
				Reason.UNSUPPORTED_HEADER);

		KeyStore.PrivateKeyEntry selfSigned = selfSignedCertificate(dir);
		X509Certificate certificate = (X509Certificate) selfSigned.getCertificate();
		TestJwts jwt = token().header("kid", "evil")
			.header("x5c", List.of(Base64.getEncoder().encodeToString(certificate.getEncoded())));
		String signingInput = jwt.encodedHeader() + "." + jwt.encodedPayload();
		String signature = new RSASSASigner(selfSigned.getPrivateKey())
			.sign(new JWSHeader(JWSAlgorithm.RS256), signingInput.getBytes())
			.toString();
		assertRejected(verifier, signingInput + "." + signature, Reason.UNSUPPORTED_HEADER);
		assertThat(this.server.canaryHits()).isZero();
	}

	@Test
	@DisplayName("JW-31 a token naming another issuer never triggers discovery there")
	void verifyWhenIssuerPointsAtCanaryThenWrongIssuerAndNoRequest() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		String canaryIssuer = this.server.issuer() + "/canary";
		assertRejected(verifier, token().claim("iss", canaryIssuer).build(), Reason.WRONG_ISSUER);
		assertRejected(verifier, token().claim("iss", canaryIssuer).signedWith(TestKeys.ATTACKER).build(),
				Reason.BAD_SIGNATURE);
		assertThat(this.server.canaryHits()).isZero();
		assertThat(this.server.discoveryFetches()).isEqualTo(1);
	}

	@Test
	@DisplayName("JW-30 JWKS over 50 KB (e.g. 1 000 keys) is refused")
	void verifyWhenJwksTooLargeThenRefused() {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		List<Map<String, Object>> keys = new ArrayList<>();
		Map<String, Object> k1 = TestKeys.RSA_K1.toPublicJWK().toJSONObject();
		for (int i = 0; i < 1_000; i++) {
			keys.add(k1);
		}
		String huge = JSONObjectUtils.toJSONString(Map.of("keys", keys));
		assertThat(huge.length()).isGreaterThan(JwtVerifier.DEFAULT_JWKS_SIZE_LIMIT);
		this.server.publishRaw(huge);
		assertRejected(verifier, token().build(), Reason.JWKS_UNAVAILABLE);
	}

	@Test
	@DisplayName("JW-30 hostile keys are ignored: use=enc, alg/kty mismatch, private parts, HMAC, short RSA")
	void verifyWhenJwksKeysHostileThenIgnored() throws Exception {
		RSAKey encryptionK1 = new RSAKey.Builder(TestKeys.RSA_K1.toRSAPublicKey()).keyID("k1")
			.keyUse(KeyUse.ENCRYPTION)
			.build();
		JwtVerifier verifier = verifierFor(encryptionK1);
		assertRejected(verifier, token().build(), Reason.UNKNOWN_KEY);

		RSAKey rs512Only = new RSAKey.Builder(TestKeys.RSA_K1.toRSAPublicKey()).keyID("k1")
			.algorithm(JWSAlgorithm.RS512)
			.build();
		assertUnknownKeyWith(Map.of("keys", List.of(rs512Only.toJSONObject())));

		Map<String, Object> ecClaimingK1 = new java.util.HashMap<>(TestKeys.EC_E1.toPublicJWK().toJSONObject());
		ecClaimingK1.put("kid", "k1");
		ecClaimingK1.remove("alg");
		assertUnknownKeyWith(Map.of("keys", List.of(ecClaimingK1)));

		// The full private JWK: the key is not held, even though it would verify.
		assertUnknownKeyWith(Map.of("keys", List.of(TestKeys.RSA_K1.toJSONObject())));

		OctetSequenceKey hmac = new OctetSequenceKey.Builder(new byte[32]).keyID("k1").build();
		assertUnknownKeyWith(Map.of("keys", List.of(hmac.toJSONObject())));

		RSAKey shortKey = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(1024, true).keyID("k1").generate();
		assertUnknownKeyWith(Map.of("keys", List.of(shortKey.toPublicJWK().toJSONObject())));
	}

	private void assertUnknownKeyWith(Map<String, Object> jwks) throws Exception {
		this.server.publishRaw(JSONObjectUtils.toJSONString(jwks));
		JwtVerifier verifier = JwtVerifier.builder().issuer(this.server.issuer()).clock(this.clock).build();
		assertRejected(verifier, token().build(), Reason.UNKNOWN_KEY);
	}

	@Test
	@DisplayName("JW-30 one broken entry does not take the good keys down")
	void verifyWhenJwksHasBrokenEntriesThenGoodKeysStillWork() throws Exception {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		Map<String, Object> broken = Map.of("kty", "RSA", "kid", "bad", "n", "!!!", "e", "AQAB");
		this.server.publishRaw(JSONObjectUtils.toJSONString(Map.of("keys", List.of(broken, "not an object",
				Map.of("kty", "unknown"), TestKeys.RSA_K1.toPublicJWK().toJSONObject()))));
		assertThat(verifier.verify(token().build())).isNotNull();
	}

	@Test
	void verifyWhenJwksIsNotJsonThenJwksUnavailable() {
		JwtVerifier verifier = verifierFor(TestKeys.RSA_K1);
		this.server.publishRaw("<html>maintenance</html>");
		assertRejected(verifier, token().build(), Reason.JWKS_UNAVAILABLE);
		this.server.publishRaw("{\"keys\":{}}");
		this.clock.advance(Duration.ofSeconds(2));
		assertRejected(verifier, token().build(), Reason.JWKS_UNAVAILABLE);
	}

	@Test
	void buildWhenCacheTtlAboveFiveMinutesThenRefused() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> JwtVerifier.builder().issuer("http://localhost:9000").jwksCacheTtl(Duration.ofMinutes(6)).build())
			.withMessageContaining("at most 5 minutes");
	}

	private static KeyStore.PrivateKeyEntry selfSignedCertificate(Path dir) throws Exception {
		Path store = dir.resolve("attacker.p12");
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", "attacker", "-keyalg", "RSA", "-keysize", "2048", "-dname",
				"CN=attacker.example", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
				"-storepass", "changeit", "-keypass", "changeit")
			.redirectErrorStream(true)
			.start();
		keytool.getInputStream().readAllBytes();
		assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(Files.exists(store)).isTrue();
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (FileInputStream in = new FileInputStream(store.toFile())) {
			keyStore.load(in, "changeit".toCharArray());
		}
		PrivateKey key = (PrivateKey) keyStore.getKey("attacker", "changeit".toCharArray());
		return new KeyStore.PrivateKeyEntry(key, keyStore.getCertificateChain("attacker"));
	}

}
