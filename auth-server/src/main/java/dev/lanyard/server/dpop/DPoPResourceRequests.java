package dev.lanyard.server.dpop;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.oauth2.server.resource.authentication.DPoPAuthenticationProvider;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Shapes the framework's DPoP support for resource requests (RFC 9449 §7), which its
 * resource-server configuration adds to every chain: the {@code DPoP} scheme is read on
 * the requests Lanyard says (the same as its bearer tokens), the token is looked up by
 * Lanyard, and the proof is checked with Lanyard's rules ({@link DPoPProofs}: once across
 * every node). Pass it to the resource server's {@code withObjectPostProcessor}.
 */
public final class DPoPResourceRequests implements ObjectPostProcessor<Object> {

	private final RequestMatcher requests;

	private final AuthenticationManager tokens;

	private final DPoPProofs proofs;

	/**
	 * @param requests where DPoP-bound tokens are read
	 * @param tokens looks up an access token presented with a proof
	 * @param proofs Lanyard's proof checks
	 */
	public DPoPResourceRequests(RequestMatcher requests, AuthenticationManager tokens, DPoPProofs proofs) {
		this.requests = requests;
		this.tokens = tokens;
		this.proofs = proofs;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <O> O postProcess(O object) {
		if (object instanceof DPoPAuthenticationProvider) {
			DPoPAuthenticationProvider provider = new DPoPAuthenticationProvider(this.tokens);
			provider.setDPoPProofVerifierFactory(this.proofs.decoderFactory());
			return (O) provider;
		}
		if (object instanceof AuthenticationFilter filter) {
			filter.setRequestMatcher((request) -> this.requests.matches(request) && hasDPoPScheme(request));
		}
		return object;
	}

	private static boolean hasDPoPScheme(HttpServletRequest request) {
		String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
		return authorization != null && authorization.regionMatches(true, 0, "DPoP ", 0, 5);
	}

}
