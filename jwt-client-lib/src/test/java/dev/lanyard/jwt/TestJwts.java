package dev.lanyard.jwt;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * Builds internal JWTs for tests, starting from a valid token as the server issues it
 * (RS256, {@code typ: at+jwt}, {@code kid: k1}, the full claim set, five-minute lifetime)
 * so that each test changes exactly the one thing it attacks. Header and payload can also
 * be given as raw JSON to produce inputs a JSON library would refuse to write (duplicate
 * members, nulls, deep nesting).
 */
public final class TestJwts {

	/** The default audience of test tokens. */
	public static final String AUDIENCE = "internal";

	private final String issuer;

	private final Map<String, Object> header = new LinkedHashMap<>();

	private final Map<String, Object> claims = new LinkedHashMap<>();

	private String rawHeader;

	private String rawPayload;

	private JWK signingKey = TestKeys.RSA_K1;

	private JWSAlgorithm signingAlgorithm;

	private TestJwts(String issuer, Instant now) {
		this.issuer = issuer;
		this.header.put("alg", "RS256");
		this.header.put("typ", "at+jwt");
		this.header.put("kid", "k1");
		this.claims.put("iss", issuer);
		this.claims.put("sub", "u1");
		this.claims.put("aud", AUDIENCE);
		this.claims.put("exp", now.getEpochSecond() + 300);
		this.claims.put("iat", now.getEpochSecond());
		this.claims.put("nbf", now.getEpochSecond());
		this.claims.put("jti", UUID.randomUUID().toString());
		this.claims.put("client_id", "web-app");
		this.claims.put("scope", "openid profile orders:read");
		this.claims.put("sid", "s-42");
		this.claims.put("auth_time", now.getEpochSecond() - 60);
		this.claims.put("preferred_username", "alice");
		this.claims.put("roles", List.of("user", "admin"));
		this.claims.put("tenant", "acme");
	}

	/**
	 * Starts a valid token for an issuer, timed at the present.
	 * @param issuer the issuer URL
	 * @return the builder
	 */
	public static TestJwts accessToken(String issuer) {
		return new TestJwts(issuer, Instant.now());
	}

	/**
	 * Starts a valid token for an issuer, timed at {@code now}.
	 * @param issuer the issuer URL
	 * @param now the issue time
	 * @return the builder
	 */
	public static TestJwts accessToken(String issuer, Instant now) {
		return new TestJwts(issuer, now);
	}

	/** Sets (or with {@code null} value, sets to JSON null) a header parameter. */
	public TestJwts header(String name, Object value) {
		this.header.put(name, value);
		return this;
	}

	/** Removes a header parameter. */
	public TestJwts withoutHeader(String name) {
		this.header.remove(name);
		return this;
	}

	/** Sets a claim. */
	public TestJwts claim(String name, Object value) {
		this.claims.put(name, value);
		return this;
	}

	/** Removes a claim. */
	public TestJwts withoutClaim(String name) {
		this.claims.remove(name);
		return this;
	}

	/** Uses this exact header JSON instead of the header map. */
	public TestJwts rawHeader(String json) {
		this.rawHeader = json;
		return this;
	}

	/** Uses this exact payload JSON instead of the claims map. */
	public TestJwts rawPayload(String json) {
		this.rawPayload = json;
		return this;
	}

	/**
	 * Signs with this key; the header's kid and alg follow the key unless set explicitly
	 * later.
	 */
	public TestJwts signedWith(JWK key) {
		this.signingKey = key;
		this.header.put("kid", key.getKeyID());
		this.header.put("alg", key instanceof ECKey ? "ES256" : "RS256");
		return this;
	}

	/** Signs with this algorithm, whatever the header says. */
	public TestJwts signingAlgorithm(JWSAlgorithm algorithm) {
		this.signingAlgorithm = algorithm;
		return this;
	}

	/** The issuer this token was started with. */
	public String issuer() {
		return this.issuer;
	}

	/** The base64url header part. */
	public String encodedHeader() {
		return b64(this.rawHeader != null ? this.rawHeader : JSONObjectUtils.toJSONString(this.header));
	}

	/** The base64url payload part. */
	public String encodedPayload() {
		return b64(this.rawPayload != null ? this.rawPayload : JSONObjectUtils.toJSONString(this.claims));
	}

	/**
	 * Builds the signed compact token.
	 * @return header.payload.signature
	 */
	public String build() {
		String signingInput = encodedHeader() + "." + encodedPayload();
		return signingInput + "." + sign(signingInput.getBytes(StandardCharsets.US_ASCII));
	}

	private String sign(byte[] signingInput) {
		try {
			JWSSigner signer;
			JWSAlgorithm algorithm = this.signingAlgorithm;
			if (this.signingKey instanceof RSAKey rsa) {
				signer = new RSASSASigner(rsa);
				algorithm = algorithm != null ? algorithm : JWSAlgorithm.RS256;
			}
			else {
				signer = new ECDSASigner((ECKey) this.signingKey);
				algorithm = algorithm != null ? algorithm : JWSAlgorithm.ES256;
			}
			return signer.sign(new JWSHeader(algorithm), signingInput).toString();
		}
		catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	/** Base64url without padding of a UTF-8 string. */
	public static String b64(String text) {
		return b64(text.getBytes(StandardCharsets.UTF_8));
	}

	/** Base64url without padding of bytes. */
	public static String b64(byte[] bytes) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
