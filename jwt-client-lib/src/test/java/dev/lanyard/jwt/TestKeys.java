package dev.lanyard.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

/**
 * Real key pairs for tests, generated once per JVM: the server's current RSA key
 * {@code k1}, a rotated-in RSA key {@code k2}, an EC key {@code e1}, and an attacker's
 * RSA key that is never published.
 */
public final class TestKeys {

	/** The authorization server's current signing key. */
	public static final RSAKey RSA_K1 = rsa("k1");

	/** A second server key, used for rotation. */
	public static final RSAKey RSA_K2 = rsa("k2");

	/** An ES256 server key. */
	public static final ECKey EC_E1 = ec("e1");

	/**
	 * A key the attacker holds; never in the JWKS. Its kid collides with the real one on
	 * purpose.
	 */
	public static final RSAKey ATTACKER = rsa("k1");

	private TestKeys() {
	}

	/**
	 * Generates a 2048-bit RSA signing key.
	 * @param keyId the kid
	 * @return the key pair as a JWK
	 */
	public static RSAKey rsa(String keyId) {
		try {
			return new RSAKeyGenerator(2048).keyID(keyId)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.generate();
		}
		catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	/**
	 * Generates a P-256 signing key.
	 * @param keyId the kid
	 * @return the key pair as a JWK
	 */
	public static ECKey ec(String keyId) {
		try {
			return new ECKeyGenerator(Curve.P_256).keyID(keyId)
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.ES256)
				.generate();
		}
		catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

}
