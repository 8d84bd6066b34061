package dev.lanyard.jwt;

import static dev.lanyard.jwt.Rejections.assertRejected;
import static dev.lanyard.jwt.TestJwts.b64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import dev.lanyard.jwt.JwtVerificationException.Reason;

/**
 * Attacks on the JOSE header and the signature (docs/SECURITY.md §3: JW-01 to JW-08,
 * JW-10, JW-13 to JW-15, JW-25, JW-27, JW-28). Each test builds the malicious input it
 * names.
 */
class JwtVerifierHeaderAttacksTest {

	private static TestAuthorizationServer server;

	private static JwtVerifier verifier;

	@BeforeAll
	static void startServer() {
		server = TestAuthorizationServer.start(TestKeys.RSA_K1, TestKeys.RSA_K2, TestKeys.EC_E1);
		verifier = JwtVerifier.builder().issuer(server.issuer()).build();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private static TestJwts token() {
		return TestJwts.accessToken(server.issuer());
	}

	private static String signature(String token) {
		return token.substring(token.lastIndexOf('.') + 1);
	}

	private static String withSignature(TestJwts jwt, String signature) {
		return jwt.encodedHeader() + "." + jwt.encodedPayload() + "." + signature;
	}

	@Test
	void verifyWhenBaselineTokenThenAccepted() throws Exception {
		// Guards the fixtures: every attack below starts from this token.
		assertThat(verifier.verify(token().build()).subject()).isEqualTo("u1");
	}

	@Test
	@DisplayName("JW-01 alg none (any case), with an empty or the original signature")
	void verifyWhenAlgNoneThenRejected() {
		String original = signature(token().build());
		for (String none : List.of("none", "None", "NONE", "nOnE")) {
			TestJwts jwt = token().header("alg", none);
			assertRejected(verifier, jwt.encodedHeader() + "." + jwt.encodedPayload() + ".", Reason.MALFORMED);
			assertRejected(verifier, withSignature(jwt, original), Reason.UNSUPPORTED_ALGORITHM);
			assertRejected(verifier, withSignature(jwt, "AAAA"), Reason.UNSUPPORTED_ALGORITHM);
		}
	}

	@Test
	@DisplayName("JW-02 missing or null alg, typ, crit, jwk")
	void verifyWhenHeaderValuesMissingOrNullThenRejected() {
		assertRejected(verifier, token().rawHeader("{\"typ\":\"at+jwt\",\"kid\":\"k1\"}").build(), Reason.MALFORMED);
		assertRejected(verifier, token().rawHeader("{\"alg\":null,\"typ\":\"at+jwt\",\"kid\":\"k1\"}").build(),
				Reason.MALFORMED);
		assertRejected(verifier, token().header("alg", 256).build(), Reason.MALFORMED);
		assertRejected(verifier, token().header("typ", null).build(), Reason.WRONG_TYPE);
		assertRejected(verifier, token().header("crit", null).build(), Reason.UNSUPPORTED_HEADER);
		assertRejected(verifier, token().header("jwk", null).build(), Reason.UNSUPPORTED_HEADER);
		assertRejected(verifier, token().header("kid", null).build(), Reason.UNKNOWN_KEY);
	}

	@Test
	@DisplayName("JW-03 RS256 public key used as HS256 secret (PEM, DER and JWK-JSON bytes)")
	void verifyWhenHs256KeyedWithRsaPublicKeyThenUnsupportedAlgorithm() throws Exception {
		byte[] der = TestKeys.RSA_K1.toRSAPublicKey().getEncoded();
		String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
				+ "\n-----END PUBLIC KEY-----\n";
		byte[] jwkJson = TestKeys.RSA_K1.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
		for (byte[] secret : List.of(pem.getBytes(StandardCharsets.US_ASCII), der, jwkJson)) {
			TestJwts jwt = token().header("alg", "HS256");
			String signingInput = jwt.encodedHeader() + "." + jwt.encodedPayload();
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret, "HmacSHA256"));
			String forged = signingInput + "." + b64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
			assertRejected(verifier, forged, Reason.UNSUPPORTED_ALGORITHM);
		}
	}

	@Test
	@DisplayName("JW-04 algorithms outside the allow-list are rejected before any key lookup")
	void verifyWhenAlgorithmNotAllowedThenRejectedBeforeKeyLookup() throws Exception {
		try (TestAuthorizationServer fresh = TestAuthorizationServer.start(TestKeys.RSA_K1)) {
			JwtVerifier coldVerifier = JwtVerifier.builder().issuer(fresh.issuer()).build();
			ECKey p384 = new ECKeyGenerator(Curve.P_384).keyID("k1").generate();
			List<String> forged = List.of(
					TestJwts.accessToken(fresh.issuer())
						.header("alg", "RS384")
						.signingAlgorithm(JWSAlgorithm.RS384)
						.build(),
					TestJwts.accessToken(fresh.issuer())
						.header("alg", "PS256")
						.signingAlgorithm(JWSAlgorithm.PS256)
						.build(),
					TestJwts.accessToken(fresh.issuer())
						.signedWith(p384)
						.header("alg", "ES384")
						.signingAlgorithm(JWSAlgorithm.ES384)
						.build(),
					withSignature(TestJwts.accessToken(fresh.issuer()).header("alg", "EdDSA"), b64(new byte[64])),
					withSignature(TestJwts.accessToken(fresh.issuer()).header("alg", "HS512"), b64(new byte[64])),
					withSignature(TestJwts.accessToken(fresh.issuer()).header("alg", "rs256"), b64(new byte[256])));
			for (String token : forged) {
				assertRejected(coldVerifier, token, Reason.UNSUPPORTED_ALGORITHM);
			}
			assertThat(fresh.discoveryFetches() + fresh.jwksFetches()).as("requests to the server").isZero();
		}
	}

	@Test
	@DisplayName("JW-05 signature stripped, truncated by one byte, or taken from another token")
	void verifyWhenSignatureStrippedTruncatedOrSwappedThenRejected() {
		TestJwts jwt = token();
		String valid = jwt.build();
		byte[] signature = Base64.getUrlDecoder().decode(signature(valid));
		assertRejected(verifier, withSignature(jwt, ""), Reason.MALFORMED);
		assertRejected(verifier, withSignature(jwt, b64(Arrays.copyOf(signature, signature.length - 1))),
				Reason.BAD_SIGNATURE);
		assertRejected(verifier, withSignature(jwt, signature(token().claim("sub", "someone-else").build())),
				Reason.BAD_SIGNATURE);
		byte[] flipped = signature.clone();
		flipped[10] ^= 1;
		assertRejected(verifier, withSignature(jwt, b64(flipped)), Reason.BAD_SIGNATURE);
	}

	@Test
	@DisplayName("JW-06 psychic signature: ES256 with r = s = 0 (CVE-2022-21449), raw and DER")
	void verifyWhenEcdsaSignatureIsZeroThenBadSignature() {
		TestJwts jwt = token().signedWith(TestKeys.EC_E1);
		String zeros = b64(new byte[64]);
		assertThat(zeros).hasSize(86).matches("A+");
		assertRejected(verifier, withSignature(jwt, zeros), Reason.BAD_SIGNATURE);
		assertRejected(verifier, withSignature(jwt, "MAYCAQACAQA"), Reason.BAD_SIGNATURE);
		assertThat(Runtime.version().feature()).as("JDK with the April 2022 fix line").isGreaterThanOrEqualTo(17);
	}

	@Test
	@DisplayName("JW-07 ES256 signature re-encoded as DER, or with R >= n")
	void verifyWhenEcdsaSignatureWronglyEncodedThenBadSignature() throws Exception {
		TestJwts jwt = token().signedWith(TestKeys.EC_E1);
		String signingInput = jwt.encodedHeader() + "." + jwt.encodedPayload();
		Signature ecdsa = Signature.getInstance("SHA256withECDSA");
		ecdsa.initSign(TestKeys.EC_E1.toECPrivateKey());
		ecdsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
		byte[] der = ecdsa.sign();
		assertThat(der.length).isBetween(68, 72);
		assertRejected(verifier, signingInput + "." + b64(der), Reason.BAD_SIGNATURE);

		byte[] concat = Base64.getUrlDecoder().decode(signature(jwt.build()));
		byte[] order = new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)
			.toByteArray();
		byte[] rIsN = concat.clone();
		System.arraycopy(order, order.length - 32, rIsN, 0, 32);
		assertRejected(verifier, signingInput + "." + b64(rIsN), Reason.BAD_SIGNATURE);
	}

	@Test
	@DisplayName("JW-08 kid injection: path traversal, SQL, NUL, 10 000 characters, number, object")
	void verifyWhenKidIsHostileThenRejected() {
		for (String kid : List.of("../../../../dev/null", "' OR '1'='1", "k1\u0000", "k1 ", "K1")) {
			assertRejected(verifier, token().header("kid", kid).build(), Reason.UNKNOWN_KEY);
		}
		assertRejected(verifier, token().header("kid", "k".repeat(10_000)).build(), Reason.MALFORMED);
		assertRejected(verifier, token().header("kid", 123).build(), Reason.MALFORMED);
		assertRejected(verifier, token().header("kid", Map.of()).build(), Reason.MALFORMED);
	}

	@Test
	@DisplayName("JW-10 no kid while the JWKS holds several keys is rejected; with exactly one key it verifies")
	void verifyWhenKidMissingThenOnlySingleKeyJwksAccepted() throws Exception {
		assertRejected(verifier, token().withoutHeader("kid").build(), Reason.UNKNOWN_KEY);
		try (TestAuthorizationServer single = TestAuthorizationServer.start(TestKeys.RSA_K1)) {
			JwtVerifier singleKey = JwtVerifier.builder().issuer(single.issuer()).build();
			assertThat(singleKey.verify(TestJwts.accessToken(single.issuer()).withoutHeader("kid").build()))
				.isNotNull();
		}
	}

	@Test
	@DisplayName("JW-13 embedded jwk header: attacker's key, a private key, even our own key")
	void verifyWhenEmbeddedJwkThenUnsupportedHeader() {
		Map<String, Object> attackerPublic = TestKeys.ATTACKER.toPublicJWK().toJSONObject();
		Map<String, Object> attackerPrivate = TestKeys.ATTACKER.toJSONObject();
		assertRejected(verifier, token().header("jwk", attackerPublic).signedWith(TestKeys.ATTACKER).build(),
				Reason.UNSUPPORTED_HEADER);
		assertRejected(verifier, token().header("jwk", attackerPrivate).signedWith(TestKeys.ATTACKER).build(),
				Reason.UNSUPPORTED_HEADER);
		assertRejected(verifier, token().header("jwk", TestKeys.RSA_K1.toPublicJWK().toJSONObject()).build(),
				Reason.UNSUPPORTED_HEADER);
		// Without the header the attacker's signature simply does not verify against k1.
		assertRejected(verifier, token().signedWith(TestKeys.ATTACKER).build(), Reason.BAD_SIGNATURE);
	}

	@Test
	@DisplayName("JW-14 crit with an unknown name, empty, a registered name, and b64=false")
	void verifyWhenCritPresentThenUnsupportedHeader() {
		assertRejected(verifier, token().header("crit", List.of("urn:x-unknown")).header("urn:x-unknown", true).build(),
				Reason.UNSUPPORTED_HEADER);
		assertRejected(verifier, token().header("crit", List.of()).build(), Reason.UNSUPPORTED_HEADER);
		assertRejected(verifier, token().header("crit", List.of("exp")).build(), Reason.UNSUPPORTED_HEADER);
		assertRejected(verifier, token().header("b64", false).header("crit", List.of("b64")).build(),
				Reason.UNSUPPORTED_HEADER);
		assertRejected(verifier, token().header("b64", false).build(), Reason.UNSUPPORTED_HEADER);
	}

	@Test
	@DisplayName("JW-15 JWE: PBES2 with a huge p2c, zip DEF bomb, alg dir — rejected fast without decryption")
	void verifyWhenEncryptedTokenThenRejectedQuickly() {
		String pbes2 = b64(
				"{\"alg\":\"PBES2-HS256+A128KW\",\"enc\":\"A128GCM\",\"p2c\":2000000000,\"p2s\":\"c2FsdA\"}");
		String fivePart = pbes2 + "." + b64(new byte[16]) + "." + b64(new byte[12]) + "." + b64(new byte[64]) + "."
				+ b64(new byte[16]);
		Rejections.assertRejectedWithinCpuMillis(verifier, fivePart, Reason.MALFORMED, 10);

		String zip = b64("{\"alg\":\"dir\",\"enc\":\"A256GCM\",\"zip\":\"DEF\"}") + "..AAAA." + b64(new byte[4096])
				+ ".AAAA";
		Rejections.assertRejectedWithinCpuMillis(verifier, zip, Reason.MALFORMED, 10);

		// Same headers squeezed into three parts still never reach a decrypter.
		assertRejected(verifier, withSignature(token().header("alg", "dir").header("enc", "A256GCM"), "AAAA"),
				Reason.UNSUPPORTED_ALGORITHM);
		assertRejected(verifier, token().header("enc", "A256GCM").build(), Reason.UNSUPPORTED_ALGORITHM);
		assertRejected(verifier, token().header("zip", "DEF").build(), Reason.UNSUPPORTED_ALGORITHM);
	}

	@Test
	@DisplayName("JW-25 duplicate members in payload or header are rejected")
	void verifyWhenDuplicateMembersThenMalformed() {
		TestJwts base = token();
		String payload = JSONObjectUtils.toJSONString(Map.of("iss", server.issuer(), "aud", "internal", "exp",
				System.currentTimeMillis() / 1000 + 300, "iat", System.currentTimeMillis() / 1000, "jti", "j1"));
		String duplicateSub = "{\"sub\":\"u1\",\"sub\":\"admin\"," + payload.substring(1);
		assertRejected(verifier, base.rawPayload(duplicateSub).build(), Reason.MALFORMED);
		assertRejected(verifier,
				token().rawHeader("{\"alg\":\"RS256\",\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}").build(),
				Reason.MALFORMED);
	}

	@Test
	@DisplayName("JW-27 JWS JSON serialization and compact/JSON polyglots are rejected (compact only)")
	void verifyWhenJsonSerializationThenMalformed() {
		TestJwts jwt = token();
		String compact = jwt.build();
		String json = "{\"payload\":\"" + jwt.encodedPayload() + "\",\"protected\":\"" + jwt.encodedHeader()
				+ "\",\"signature\":\"" + signature(compact) + "\"}";
		assertRejected(verifier, json, Reason.MALFORMED);
		String polyglot = "{\"" + compact + "\":\"\",\"protected\":\"" + jwt.encodedHeader() + "\"}";
		assertRejected(verifier, polyglot, Reason.MALFORMED);
		assertRejected(verifier, compact + "." + jwt.encodedPayload(), Reason.MALFORMED);
	}

	@Test
	@DisplayName("JW-28 HS256 with a weak secret is rejected; HMAC cannot even be allowed")
	void verifyWhenHmacTokenThenRejectedAndNotConfigurable() throws Exception {
		TestJwts jwt = token().header("alg", "HS256");
		String signingInput = jwt.encodedHeader() + "." + jwt.encodedPayload();
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec("secret".getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
		assertRejected(verifier,
				signingInput + "." + b64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII))),
				Reason.UNSUPPORTED_ALGORITHM);
		for (String hmac : List.of("HS256", "HS384", "HS512", "none")) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> JwtVerifier.builder().issuer(server.issuer()).algorithms(List.of(hmac)).build())
				.withMessageContaining("never none or HMAC");
		}
	}

	@Test
	void verifyWhenAlgorithmAllowedButKeyTypeDiffersThenUnknownKey() {
		// An RS256 header pointing at the EC key: keys are matched by kid and algorithm
		// family.
		assertRejected(verifier, token().header("kid", "e1").build(), Reason.UNKNOWN_KEY);
		assertRejected(verifier, token().signedWith(TestKeys.EC_E1).header("kid", "k1").build(), Reason.UNKNOWN_KEY);
	}

}
