package dev.lanyard.server.dpop;

import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.JWK;

import org.springframework.security.oauth2.jwt.DPoPProofContext;
import org.springframework.security.oauth2.jwt.DPoPProofJwtDecoderFactory;
import org.springframework.security.oauth2.jwt.DPoPProofReplayValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;

/**
 * Checks DPoP proofs (RFC 9449 §4.3) with the framework's verifier: {@code typ}
 * {@code dpop+jwt}, an asymmetric signature by the public key in the {@code jwk} header,
 * {@code htm} and {@code htu} of this request, {@code iat} within 30 s, and, for a proof
 * sent with an access token, {@code ath} and the token's {@code cnf.jkt}. What Lanyard
 * changes: a proof is used once across every node ({@link DPoPProofReplays}), not once
 * per node. Thread-safe.
 */
@Component
public class DPoPProofs {

	private final DPoPProofJwtDecoderFactory decoders = new DPoPProofJwtDecoderFactory();

	public DPoPProofs(DPoPProofReplays replays) {
		this.decoders.setJwtValidatorFactory(DPoPProofJwtDecoderFactory
			.createDefaultJwtValidatorFactory(List.of(new DPoPProofReplayValidator(replays))));
	}

	/** The framework's decoder factory with Lanyard's rules, for its DPoP seams. */
	public JwtDecoderFactory<DPoPProofContext> decoderFactory() {
		return this.decoders;
	}

	/**
	 * The verified proof of a token request.
	 * @param proof the {@code DPoP} header
	 * @param method the request's method
	 * @param targetUri the request's URI without query
	 * @throws JwtException if the proof is not acceptable
	 */
	public Jwt verify(String proof, String method, String targetUri) {
		DPoPProofContext context = DPoPProofContext.withDPoPProof(proof).method(method).targetUri(targetUri).build();
		return this.decoders.createDecoder(context).decode(proof);
	}

	/**
	 * The JWK SHA-256 thumbprint (RFC 7638) of the key a verified proof was signed with:
	 * the {@code jkt} a token bound to it carries (RFC 9449 §6.1).
	 */
	public static String thumbprint(Jwt proof) {
		try {
			@SuppressWarnings("unchecked")
			Map<String, Object> jwk = (Map<String, Object>) proof.getHeaders().get("jwk");
			return JWK.parse(jwk).computeThumbprint().toString();
		}
		catch (java.text.ParseException | com.nimbusds.jose.JOSEException | ClassCastException ex) {
			throw new IllegalStateException("A verified DPoP proof has no usable jwk header", ex);
		}
	}

	/** The thumbprint a token is bound to ({@code cnf.jkt}), or {@code null}. */
	public static String boundThumbprint(Map<String, Object> tokenClaims) {
		if (tokenClaims != null && tokenClaims.get("cnf") instanceof Map<?, ?> confirmation
				&& confirmation.get("jkt") instanceof String jkt) {
			return jkt;
		}
		return null;
	}

}
