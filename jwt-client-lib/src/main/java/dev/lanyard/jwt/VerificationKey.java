package dev.lanyard.jwt;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.crypto.impl.RSASSA;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * One public key from the JWKS, converted once into a JCA {@link PublicKey} so that the
 * hot path does no key parsing. Verification follows nimbus's {@code RSASSAVerifier} and
 * {@code ECDSAVerifier} step by step (same JCA algorithms and parameters, same ECDSA
 * signature checks), taking the signature already decoded. Immutable and thread-safe.
 */
final class VerificationKey {

	private static final int MIN_RSA_BITS = 2048;

	// JCA Signature objects are not thread-safe and their provider lookup is not free, so
	// each
	// thread keeps one per algorithm. Keys and values are JDK types only, so that the
	// thread-local
	// never pins this library's class loader.
	private static final ThreadLocal<Map<String, Signature>> SIGNATURES = ThreadLocal.withInitial(HashMap::new);

	private static final Set<JWSAlgorithm> RSA_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
			JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);

	private final String keyId;

	private final Set<JWSAlgorithm> algorithms;

	private final PublicKey publicKey;

	private final boolean elliptic;

	private VerificationKey(String keyId, Set<JWSAlgorithm> algorithms, PublicKey publicKey, boolean elliptic) {
		this.keyId = keyId;
		this.algorithms = algorithms;
		this.publicKey = publicKey;
		this.elliptic = elliptic;
	}

	/**
	 * Converts a JWK, or explains why it is unusable for verifying signatures.
	 * @return the key, or {@code null} when the JWK is skipped; {@code skipped} receives
	 * why
	 */
	static VerificationKey from(JWK jwk, StringBuilder skipped) {
		// RFC 7517 §4.2/§4.3: only keys meant for signatures are candidates.
		if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
			skipped.append("use is not \"sig\"");
			return null;
		}
		if (jwk.getKeyOperations() != null && !jwk.getKeyOperations().contains(KeyOperation.VERIFY)) {
			skipped.append("key_ops lacks \"verify\"");
			return null;
		}
		if (jwk.isPrivate()) {
			// A JWKS that leaks a private key is broken; refuse to hold private material.
			skipped.append("it carries private key material");
			return null;
		}
		try {
			if (jwk instanceof RSAKey rsa) {
				if (rsa.size() < MIN_RSA_BITS) {
					skipped.append("RSA key shorter than ").append(MIN_RSA_BITS).append(" bits");
					return null;
				}
				return restrict(jwk, RSA_ALGORITHMS, rsa.toRSAPublicKey(), false, skipped);
			}
			if (jwk instanceof ECKey ec) {
				Set<JWSAlgorithm> algorithms = ecAlgorithms(ec.getCurve());
				if (algorithms.isEmpty()) {
					skipped.append("unsupported curve");
					return null;
				}
				return restrict(jwk, algorithms, ec.toECPublicKey(), true, skipped);
			}
		}
		catch (JOSEException e) {
			skipped.append("unusable key (").append(e.getClass().getSimpleName()).append(')');
			return null;
		}
		// Never "oct" (HMAC with a published key would be forgeable, RFC 8725 §3.1) nor
		// others.
		skipped.append("unsupported key type ").append(jwk.getKeyType());
		return null;
	}

	private static VerificationKey restrict(JWK jwk, Set<JWSAlgorithm> algorithms, PublicKey publicKey,
			boolean elliptic, StringBuilder skipped) {
		if (jwk.getAlgorithm() == null) {
			return new VerificationKey(jwk.getKeyID(), algorithms, publicKey, elliptic);
		}
		JWSAlgorithm declared = JWSAlgorithm.parse(jwk.getAlgorithm().getName());
		if (!algorithms.contains(declared)) {
			skipped.append("\"alg\" does not match the key type");
			return null;
		}
		return new VerificationKey(jwk.getKeyID(), Set.of(declared), publicKey, elliptic);
	}

	private static Set<JWSAlgorithm> ecAlgorithms(Curve curve) {
		if (Curve.P_256.equals(curve)) {
			return Set.of(JWSAlgorithm.ES256);
		}
		if (Curve.P_384.equals(curve)) {
			return Set.of(JWSAlgorithm.ES384);
		}
		if (Curve.P_521.equals(curve)) {
			return Set.of(JWSAlgorithm.ES512);
		}
		return Set.of();
	}

	private static Signature threadSignature(JWSAlgorithm algorithm, boolean elliptic) throws JOSEException {
		Map<String, Signature> signatures = SIGNATURES.get();
		Signature signature = signatures.get(algorithm.getName());
		if (signature == null) {
			signature = elliptic ? ECDSA.getSignerAndVerifier(algorithm, null)
					: RSASSA.getSignerAndVerifier(algorithm, null);
			signatures.put(algorithm.getName(), signature);
		}
		return signature;
	}

	/** The key identifier, or {@code null} when the JWK has none. */
	String keyId() {
		return this.keyId;
	}

	boolean supports(JWSAlgorithm algorithm) {
		return this.algorithms.contains(algorithm);
	}

	/**
	 * Whether another fetch of the JWKS holds this same key (same {@code kid} and public
	 * key).
	 */
	boolean sameKeyAs(VerificationKey other) {
		return other == this
				|| other != null && Objects.equals(this.keyId, other.keyId) && this.publicKey.equals(other.publicKey);
	}

	/**
	 * Verifies a signature made with {@code algorithm}, which {@link #supports} this key.
	 * @param data holds the JWS signing input (RFC 7515 §5.2) in its first {@code length}
	 * bytes
	 * @param signature the decoded JWS signature (RFC 7518 §3.3: RSA; §3.4: R || S for
	 * ECDSA)
	 */
	boolean verify(JWSAlgorithm algorithm, byte[] data, int length, byte[] signature) {
		try {
			Signature verifier;
			byte[] jcaSignature;
			if (this.elliptic) {
				// CVE-2022-21449: R and S must lie in [1, n-1]; never leave it to the
				// JDK.
				ECDSA.ensureLegalSignature(signature, algorithm);
				jcaSignature = ECDSA.transcodeSignatureToDER(signature);
			}
			else {
				jcaSignature = signature;
			}
			verifier = threadSignature(algorithm, this.elliptic);
			verifier.initVerify(this.publicKey); // resets any state left by a previous
													// use
			verifier.update(data, 0, length);
			return verifier.verify(jcaSignature);
		}
		catch (JOSEException | GeneralSecurityException | RuntimeException e) {
			return false;
		}
	}

}
