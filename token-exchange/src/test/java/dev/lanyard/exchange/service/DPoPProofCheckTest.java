package dev.lanyard.exchange.service;

import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's DPoP proof check (RFC 9449 §4.3, §7.1) with proofs made by hand, one rule
 * broken at a time after the unbroken proof is shown accepted. The path through NGINX is
 * tested end to end (GatewayEndToEndIT).
 */
class DPoPProofCheckTest {

	private static final String URL = "https://api.example.com/orders";

	private static final String TOKEN = "lyat_opaque-token-value";

	private final DPoPProofCheck check = new DPoPProofCheck(List.of(URI.create("https://api.example.com")));

	@Test
	void verifyWhenProofMadeForThisRequestAndTokenThenAcceptedOnceOnly() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		String proof = proof(key, "GET", URL, ath(TOKEN), new Date());
		assertThat(this.check.verify(proof, "GET", URL + "?page=2", TOKEN, thumbprint(key))).isTrue();
		// RFC 9449 §11.1: used once.
		assertThat(this.check.verify(proof, "GET", URL, TOKEN, thumbprint(key))).isFalse();
	}

	@Test
	void verifyWhenOneRuleBrokenThenRefused() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		String jkt = thumbprint(key);
		Date now = new Date();
		// Another key than the token's.
		ECKey other = new ECKeyGenerator(Curve.P_256).generate();
		assertThat(this.check.verify(proof(other, "GET", URL, ath(TOKEN), now), "GET", URL, TOKEN, jkt)).isFalse();
		// Another method, another URL, another token's hash, none.
		assertThat(this.check.verify(proof(key, "POST", URL, ath(TOKEN), now), "GET", URL, TOKEN, jkt)).isFalse();
		assertThat(this.check.verify(proof(key, "GET", "https://api.example.com/admin", ath(TOKEN), now), "GET", URL,
				TOKEN, jkt))
			.isFalse();
		assertThat(this.check.verify(proof(key, "GET", URL, ath("another"), now), "GET", URL, TOKEN, jkt)).isFalse();
		assertThat(this.check.verify(proof(key, "GET", URL, null, now), "GET", URL, TOKEN, jkt)).isFalse();
		// Too old.
		assertThat(this.check.verify(proof(key, "GET", URL, ath(TOKEN), new Date(now.getTime() - 120_000)), "GET", URL,
				TOKEN, jkt))
			.isFalse();
		// Not a JWT, or no method: refused, never an exception.
		assertThat(this.check.verify("x", "GET", URL, TOKEN, jkt)).isFalse();
		assertThat(this.check.verify(proof(key, "GET", URL, ath(TOKEN), now), "", URL, TOKEN, jkt)).isFalse();
		// Not a URL at all.
		assertThat(this.check.verify(proof(key, "GET", URL, ath(TOKEN), now), "GET", "/orders", TOKEN, jkt)).isFalse();
		// Unbroken, the same key and request still pass (each refusal above had its own
		// cause).
		assertThat(this.check.verify(proof(key, "GET", URL, ath(TOKEN), now), "GET", URL, TOKEN, jkt)).isTrue();
	}

	/** RFC 9449 §4.3 (9): htu and the request's URI compared once both are normalised. */
	@Test
	void verifyWhenHtuNamesTheUrlInAnotherFormThenAccepted() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		String proof = proof(key, "GET", "HTTPS://API.Example.com:443/orders", ath(TOKEN), new Date());
		assertThat(this.check.verify(proof, "GET", URL, TOKEN, thumbprint(key))).isTrue();
		String elsewhere = proof(key, "GET", "https://api.example.com:8443/orders", ath(TOKEN), new Date());
		assertThat(this.check.verify(elsewhere, "GET", URL, TOKEN, thumbprint(key))).isFalse();
	}

	/**
	 * RFC 9449 §11.1: a proof the client made for another server, replayed at the gateway
	 * with that server's name as {@code Host} (NGINX builds the original URL from it), is
	 * refused: only the gateway's public origins count. Without them no proof passes.
	 */
	@Test
	void verifyWhenProofMadeForAnotherServerAndSentWithItsHostThenRefused() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		String elsewhere = "https://files.example.com/orders";
		String proof = proof(key, "GET", elsewhere, ath(TOKEN), new Date());
		assertThat(this.check.verify(proof, "GET", elsewhere, TOKEN, thumbprint(key))).isFalse();
		DPoPProofCheck withoutOrigins = new DPoPProofCheck(List.of());
		assertThat(withoutOrigins.knowsItsOrigins()).isFalse();
		assertThat(withoutOrigins.verify(proof(key, "GET", URL, ath(TOKEN), new Date()), "GET", URL, TOKEN,
				thumbprint(key)))
			.isFalse();
		// One of several origins, written in another form.
		DPoPProofCheck twoOrigins = new DPoPProofCheck(
				List.of(URI.create("https://api.example.com:443/"), URI.create("HTTP://127.0.0.1:8080")));
		String local = "http://127.0.0.1:8080/orders";
		assertThat(twoOrigins.verify(proof(key, "GET", local, ath(TOKEN), new Date()), "GET", local, TOKEN,
				thumbprint(key)))
			.isTrue();
		assertThat(
				this.check.verify(proof(key, "GET", URL, ath(TOKEN), new Date()), "GET", URL, TOKEN, thumbprint(key)))
			.isTrue();
	}

	@Test
	void publicOriginsWhenNotAnOriginThenRefusedAtStart() {
		for (String notAnOrigin : new String[] { "https://api.example.com/v1", "/v1", "api.example.com",
				"https://api.example.com/?x=1" }) {
			assertThatThrownBy(() -> new DPoPProofCheck(List.of(URI.create(notAnOrigin)))).as(notAnOrigin)
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("EXCHANGE_PUBLIC_ORIGINS");
		}
	}

	/**
	 * A query is not part of what a proof names, and may hold characters a URI may not,
	 * as browsers send them: the request still passes.
	 */
	@Test
	void verifyWhenQueryHoldsCharactersAUriMayNotThenAccepted() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_256).generate();
		String proof = proof(key, "GET", URL, ath(TOKEN), new Date());
		assertThat(this.check.verify(proof, "GET", URL + "?filter[a]=1|2", TOKEN, thumbprint(key))).isTrue();
	}

	@Test
	void targetUriWhenUrlHasQueryCaseOrDefaultPortThenNormalised() {
		assertThat(DPoPProofCheck.targetUri("HTTPS://API.Example.com:443/orders/7?x=1#f"))
			.isEqualTo("https://api.example.com/orders/7");
		assertThat(DPoPProofCheck.targetUri("http://127.0.0.1:8080")).isEqualTo("http://127.0.0.1:8080/");
		assertThat(DPoPProofCheck.targetUri("/orders")).isNull();
		assertThat(DPoPProofCheck.targetUri("http://[bad")).isNull();
	}

	private static String proof(ECKey key, String method, String url, String ath, Date issuedAt) throws Exception {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(UUID.randomUUID().toString())
			.claim("htm", method)
			.claim("htu", URI.create(url).toString())
			.issueTime(issuedAt);
		if (ath != null) {
			claims.claim("ath", ath);
		}
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType("dpop+jwt"))
			.jwk(key.toPublicJWK())
			.build(), claims.build());
		jwt.sign(new ECDSASigner(key));
		return jwt.serialize();
	}

	private static String ath(String token) throws Exception {
		return Base64URL
			.encode(java.security.MessageDigest.getInstance("SHA-256")
				.digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
			.toString();
	}

	private static String thumbprint(ECKey key) throws Exception {
		return key.computeThumbprint().toString();
	}

}
