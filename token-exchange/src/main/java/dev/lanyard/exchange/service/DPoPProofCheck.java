package dev.lanyard.exchange.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
 * service (a replayed {@code jti} is refused). Thread-safe.
 * <p>
 * The original request's URL comes from NGINX, which builds it from the client's own
 * {@code Host} header: its origin counts only when it is one of the gateway's public
 * origins ({@code EXCHANGE_PUBLIC_ORIGINS}). Otherwise a proof made for another server
 * (whose {@code htu} names that server) would pass here, sent with that server's name as
 * {@code Host}: exactly the replay DPoP's {@code htu} exists to stop (RFC 9449 §11.1).
 * Without public origins, no proof is accepted.
 * <p>
 * Used proofs are remembered in Spring Security's own proof memory
 * ({@link DPoPProofReplayValidator.InMemoryCache}) for as long as their {@code iat} would
 * be accepted: bounded in all ({@value #MAXIMUM_REMEMBERED} proofs, about 70 MB) and per
 * key, and when full it refuses new proofs rather than forgetting used ones (a memory
 * that forgot would let a proof be replayed; one without a bound would let a client with
 * DPoP-bound tokens fill the heap).
 */
final class DPoPProofCheck {

	/** Used proofs remembered at most: about 330 bytes each. */
	static final int MAXIMUM_REMEMBERED = 200_000;

	/**
	 * Used proofs of one key remembered at most: a client sending more requests than this
	 * through one instance within a proof's lifetime (a minute and a half at most) is
	 * refused until its older proofs expire.
	 */
	static final int MAXIMUM_REMEMBERED_PER_KEY = 20_000;

	private final DPoPProofJwtDecoderFactory decoders = new DPoPProofJwtDecoderFactory();

	private final Set<String> origins;

	/**
	 * @param publicOrigins the origins the gateway answers at (scheme, host and port,
	 * such as {@code https://api.example.com}); empty: no proof is accepted
	 */
	DPoPProofCheck(Collection<URI> publicOrigins) {
		Set<String> origins = new HashSet<>();
		for (URI origin : publicOrigins) {
			String normalised = (origin.getRawQuery() == null) ? targetUri(origin.toString()) : null;
			if (normalised == null || !normalised.equals(origin(normalised) + "/")) {
				throw new IllegalArgumentException(
						"EXCHANGE_PUBLIC_ORIGINS: not an origin (scheme, host and port only, such as https://api.example.com): "
								+ origin);
			}
			origins.add(origin(normalised));
		}
		this.origins = Set.copyOf(origins);
		DPoPProofReplayValidator.InMemoryCache used = new DPoPProofReplayValidator.InMemoryCache();
		used.setMaxSize(MAXIMUM_REMEMBERED);
		used.setMaxRequestsPerKey(MAXIMUM_REMEMBERED_PER_KEY);
		this.decoders.setJwtValidatorFactory(DPoPProofJwtDecoderFactory
			.createDefaultJwtValidatorFactory(List.of(new DPoPProofReplayValidator(used))));
	}

	/** Whether any public origin is set (without one, no proof is accepted). */
	boolean knowsItsOrigins() {
		return !this.origins.isEmpty();
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
		if (target == null || !this.origins.contains(origin(target))) {
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
		// Query and fragment do not count, and a query may hold characters a URI may not
		// ("[", "|"), which browsers and NGINX pass on as they are.
		int end = url.length();
		for (char cut : new char[] { '?', '#' }) {
			int at = url.indexOf(cut);
			if (at >= 0 && at < end) {
				end = at;
			}
		}
		try {
			URI uri = new URI(url.substring(0, end));
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

	/** A target URI's scheme, host and port: everything before its path. */
	private static String origin(String target) {
		int path = target.indexOf('/', target.indexOf("://") + 3);
		return (path < 0) ? target : target.substring(0, path);
	}

	/** The opaque token as the verifier reads it: its value (for ath) and its cnf. */
	private record BoundToken(String value, Map<String, Object> claims) implements OAuth2Token, ClaimAccessor {

		/** Never the token: a credential. */
		@Override
		public String toString() {
			return "BoundToken[***]";
		}

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
