package dev.lanyard.server.client;

import java.text.ParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

/**
 * The keys a client registers to sign its client assertions ({@code private_key_jwt}): an
 * inline JWK Set (RFC 7591 §2 {@code jwks}) or the URL it publishes one at
 * ({@code jwks_uri}). Only public signature keys Lanyard can verify are accepted: RSA of
 * at least 2048 bits and EC on P-256, P-384 or P-521 (RFC 7518 §3.1). Stateless.
 */
public final class ClientKeys {

	/** The JWS algorithms a client assertion may be signed with (RFC 7518 §3.1). */
	public static final Set<JWSAlgorithm> SIGNING_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
			JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
			JWSAlgorithm.ES384, JWSAlgorithm.ES512);

	/** The same, by name, in the order discovery lists them. */
	public static final List<String> SIGNING_ALGORITHM_NAMES = List.of("RS256", "RS384", "RS512", "PS256", "PS384",
			"PS512", "ES256", "ES384", "ES512");

	/** The longest JWK Set document a client may register inline. */
	static final int MAXIMUM_DOCUMENT_LENGTH = 20_000;

	/** The most keys one client may register. */
	static final int MAXIMUM_KEYS = 10;

	private static final int MINIMUM_RSA_BITS = 2048;

	private static final Set<Curve> CURVES = Set.of(Curve.P_256, Curve.P_384, Curve.P_521);

	private ClientKeys() {
	}

	/**
	 * Why a JWK Set document cannot be registered, as a message key; empty when it can.
	 */
	static Optional<String> jwksError(String document) {
		if (document.length() > MAXIMUM_DOCUMENT_LENGTH) {
			return Optional.of("jwks.too-long");
		}
		JWKSet keys;
		try {
			keys = JWKSet.parse(document);
		}
		catch (ParseException ex) {
			return Optional.of("jwks.invalid");
		}
		if (keys.isEmpty()) {
			return Optional.of("jwks.empty");
		}
		if (keys.size() > MAXIMUM_KEYS) {
			return Optional.of("jwks.too-many");
		}
		return keys.getKeys().stream().map(ClientKeys::keyError).flatMap(Optional::stream).findFirst();
	}

	/**
	 * Whether a key, registered or fetched from a {@code jwks_uri}, may verify a client
	 * assertion: the same rules as for registration.
	 */
	public static boolean usable(JWK key) {
		return keyError(key).isEmpty();
	}

	private static Optional<String> keyError(JWK key) {
		// A private key pasted by mistake is refused, never stored.
		if (key.isPrivate()) {
			return Optional.of("jwks.private");
		}
		if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
			return Optional.of("jwks.use");
		}
		if (key instanceof RSAKey rsa) {
			return (rsa.size() < MINIMUM_RSA_BITS) ? Optional.of("jwks.rsa-size") : Optional.empty();
		}
		if (!(key instanceof ECKey ec) || !CURVES.contains(ec.getCurve())) {
			return Optional.of("jwks.key-type");
		}
		return Optional.empty();
	}

	/**
	 * The JWK Set as Lanyard stores it: public members only, in nimbus's member order, so
	 * registering the same keys twice gives the same text.
	 * @throws IllegalArgumentException if it is not a JWK Set
	 */
	static String normalized(String document) {
		try {
			return JWKSet.parse(document).toString(true);
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("Not a JWK Set", ex);
		}
	}

	/** The registered keys of a client. */
	public static JWKSet parse(String document) {
		try {
			return JWKSet.parse(document);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("A stored JWK Set cannot be read", ex);
		}
	}

	/** Why a JWK Set URL cannot be registered, as a message key. */
	static Optional<String> jwksUriError(String value) {
		return ClientValidator.serverUrlError(value).map((problem) -> "jwks-uri." + problem);
	}

}
