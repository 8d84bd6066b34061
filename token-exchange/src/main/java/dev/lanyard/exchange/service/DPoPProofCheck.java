package dev.lanyard.exchange.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.cache.caffeine.CaffeineCache;
import org.springframework.security.oauth2.core.ClaimAccessor;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.jwt.DPoPProofContext;
import org.springframework.security.oauth2.jwt.DPoPProofJwtDecoderFactory;
import org.springframework.security.oauth2.jwt.DPoPProofReplayValidator;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Checks the DPoP proof of a request carrying a DPoP-bound token (RFC 9449 §4.3, §7.1)
 * with Spring Security's verifier: {@code typ dpop+jwt}, an asymmetric signature by the
 * key in its {@code jwk} header, that key's thumbprint equal to the token's
 * {@code cnf.jkt}, {@code ath} the token's hash, {@code htm} and {@code htu} the original
 * request's (NGINX passes them), {@code iat} within 30 s, and each proof once in this
 * service (a replayed {@code jti} is refused). Used proofs are remembered in Caffeine,
 * bounded, for as long as their {@code iat} would be accepted. Thread-safe.
 */
final class DPoPProofCheck {

	/** A proof is accepted while its iat is within 30 s of now: remember it longer. */
	private static final Duration REMEMBERED = Duration.ofSeconds(90);

	private static final long MAXIMUM_REMEMBERED = 1_000_000;

	private final DPoPProofJwtDecoderFactory decoders = new DPoPProofJwtDecoderFactory();

	DPoPProofCheck() {
		CaffeineCache used = new CaffeineCache("dpop-proof-jtis",
				Caffeine.newBuilder().maximumSize(MAXIMUM_REMEMBERED).expireAfterWrite(REMEMBERED).build(), false);
		this.decoders.setJwtValidatorFactory(DPoPProofJwtDecoderFactory
			.createDefaultJwtValidatorFactory(List.of(new DPoPProofReplayValidator(used))));
	}

	/**
	 * Whether a proof is good for this request and token.
	 * @param proof the request's {@code DPoP} header
	 * @param method the original request's method
	 * @param url the original request's absolute URL (its query is ignored)
	 * @param accessToken the opaque token the request carries
	 * @param thumbprint the key the token is bound to ({@code cnf.jkt})
	 */
	boolean verify(String proof, String method, String url, String accessToken, String thumbprint) {
		String target = targetUri(url);
		if (target == null) {
			return false;
		}
		// RFC 9449 §4.3 (9): htu and the request's URI are compared once both are
		// normalised. The verifier compares exactly, so it is given the proof's own htu
		// when that names this URI in another form (HTTPS://API.example.com:443/x).
		String htu = claimedTarget(proof);
		if (htu != null && target.equals(targetUri(htu))) {
			target = htu;
		}
		try {
			DPoPProofContext context = DPoPProofContext.withDPoPProof(proof)
				.method(method)
				.targetUri(target)
				.accessToken(new BoundToken(accessToken, Map.of("cnf", Map.of("jkt", thumbprint))))
				.build();
			this.decoders.createDecoder(context).decode(proof);
			return true;
		}
		catch (JwtException | IllegalArgumentException ex) {
			// Not a JWT at all, or a method that is none: refused like a bad signature.
			return false;
		}
	}

	/** The proof's htu as it claims it, unverified; {@code null} if unreadable. */
	private static String claimedTarget(String proof) {
		try {
			Object htu = com.nimbusds.jwt.SignedJWT.parse(proof).getJWTClaimsSet().getClaim("htu");
			return (htu instanceof String value) ? value : null;
		}
		catch (java.text.ParseException ex) {
			return null;
		}
	}

	/**
	 * RFC 9449 §4.3 (9): the request's URI without query and fragment, scheme and host in
	 * lower case and without the scheme's default port (RFC 3986 §6.2.2, §6.2.3).
	 */
	static String targetUri(String url) {
		try {
			URI uri = new URI(url);
			if (uri.getScheme() == null || uri.getRawAuthority() == null || uri.getHost() == null) {
				return null;
			}
			String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
			int port = uri.getPort();
			boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443)
					|| ("http".equals(scheme) && port == 80);
			String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
			return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + path;
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	/** The opaque token as the verifier reads it: its value (for ath) and its cnf. */
	private record BoundToken(String value, Map<String, Object> claims) implements OAuth2Token, ClaimAccessor {

		@Override
		public String getTokenValue() {
			return this.value;
		}

		@Override
		public Map<String, Object> getClaims() {
			return this.claims;
		}

		@Override
		public Instant getIssuedAt() {
			return null;
		}

		@Override
		public Instant getExpiresAt() {
			return null;
		}

	}

}
