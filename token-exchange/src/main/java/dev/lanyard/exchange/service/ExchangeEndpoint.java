package dev.lanyard.exchange.service;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import dev.lanyard.exchange.ExchangeResult;
import dev.lanyard.exchange.GatewayTokenExchanger;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /exchange}, for NGINX {@code auth_request}: 200 with {@code X-Internal-Jwt},
 * 401 with {@code WWW-Authenticate} (RFC 6750 §3, RFC 9449 §7.1) for a missing or refused
 * token, 503 when the authorization server cannot be asked. The {@code Authorization}
 * header is read once: a bearer token ({@code Bearer}, RFC 6750 §2.1) or a DPoP-bound
 * token ({@code DPoP}, RFC 9449 §7.1), whose request must carry a {@code DPoP} proof for
 * the original request's method and URL (NGINX passes them as {@code X-Original-Method}
 * and {@code X-Original-URL}). A token bound to a DPoP key is refused as a bearer token,
 * and a bearer token as a DPoP one, so a stolen DPoP-bound token is of no use without its
 * key.
 */
@RestController
class ExchangeEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(ExchangeEndpoint.class);

	static final String JWT_HEADER = "X-Internal-Jwt";

	static final String DPOP_HEADER = "DPoP";

	static final String ORIGINAL_METHOD_HEADER = "X-Original-Method";

	static final String ORIGINAL_URL_HEADER = "X-Original-URL";

	/**
	 * RFC 6750 §2.1 and RFC 9449 §7.1: "Bearer" or "DPoP" (any case), one or more spaces,
	 * b64token.
	 */
	private static final Pattern CREDENTIALS = Pattern.compile("(?i:(bearer|dpop)) +([A-Za-z0-9\\-._~+/]+=*)");

	private static final int MAXIMUM_TOKEN_LENGTH = 512;

	/**
	 * What a Lanyard access token looks like: its prefix, then base64url (256 random
	 * bits). Anything else is refused here, without asking Lanyard: the rejection memory
	 * helps only with a token that comes again, so a stream of distinct made-up tokens
	 * would otherwise become as many token exchanges.
	 */
	private static final Pattern ACCESS_TOKEN = Pattern.compile("lyat_[A-Za-z0-9_-]{32,128}");

	/** RFC 9449 §7.1: the algorithms a proof may be signed with, named in challenges. */
	private static final String DPOP_ALGORITHMS = "RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512";

	private final GatewayTokenExchanger exchanger;

	private final DPoPProofCheck proofs;

	private final AtomicBoolean missingOriginalRequestLogged = new AtomicBoolean();

	private final AtomicBoolean missingOriginsLogged = new AtomicBoolean();

	ExchangeEndpoint(GatewayTokenExchanger exchanger, ExchangeServiceProperties properties) {
		this.exchanger = exchanger;
		this.proofs = new DPoPProofCheck(properties.publicOrigins());
	}

	@GetMapping("/exchange")
	ResponseEntity<Void> exchange(HttpServletRequest request) {
		List<String> headers = Collections.list(request.getHeaders(HttpHeaders.AUTHORIZATION));
		if (headers.isEmpty()) {
			return unauthorized("Bearer realm=\"lanyard\"");
		}
		if (headers.size() > 1) {
			// Two credentials: refuse rather than guess which one counts (as
			// jwt-client-lib does).
			return ResponseEntity.status(HttpStatus.BAD_REQUEST)
				.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"lanyard\", error=\"invalid_request\"")
				.build();
		}
		var matcher = CREDENTIALS.matcher(headers.get(0));
		if (!matcher.matches() || matcher.group(2).length() > MAXIMUM_TOKEN_LENGTH) {
			return unauthorized("Bearer realm=\"lanyard\", error=\"invalid_token\"");
		}
		boolean dpopScheme = "dpop".equalsIgnoreCase(matcher.group(1));
		String token = matcher.group(2);
		if (!ACCESS_TOKEN.matcher(token).matches()) {
			return unauthorized("Bearer realm=\"lanyard\", error=\"invalid_token\"");
		}
		ExchangeResult result = this.exchanger.exchange(token);
		if (result instanceof ExchangeResult.Exchanged exchanged) {
			if (exchanged.dpopThumbprint() == null && dpopScheme) {
				return unauthorized(dpopChallenge("invalid_token", "The access token is not bound to a DPoP key"));
			}
			if (exchanged.dpopThumbprint() != null) {
				if (!dpopScheme) {
					return unauthorized(dpopChallenge("invalid_token", "The access token is bound to a DPoP key"));
				}
				if (!proofAccepted(request, token, exchanged.dpopThumbprint())) {
					return unauthorized(dpopChallenge("invalid_dpop_proof", "The DPoP proof is not valid"));
				}
			}
			return ResponseEntity.ok()
				.header(JWT_HEADER, exchanged.jwt())
				.header(HttpHeaders.CACHE_CONTROL, "no-store")
				.build();
		}
		if (result instanceof ExchangeResult.Rejected) {
			return unauthorized(dpopScheme ? dpopChallenge("invalid_token", null)
					: "Bearer realm=\"lanyard\", error=\"invalid_token\"");
		}
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").build();
	}

	/** The one proof of the request, for the original request NGINX describes. */
	private boolean proofAccepted(HttpServletRequest request, String token, String thumbprint) {
		List<String> proofs = Collections.list(request.getHeaders(DPOP_HEADER));
		if (proofs.size() != 1) {
			return false;
		}
		String method = request.getHeader(ORIGINAL_METHOD_HEADER);
		String url = request.getHeader(ORIGINAL_URL_HEADER);
		if (method == null || url == null) {
			if (this.missingOriginalRequestLogged.compareAndSet(false, true)) {
				logger.warn("A DPoP-bound token arrived but the gateway does not pass {} and {}: every such request "
						+ "is refused (see README, NGINX)", ORIGINAL_METHOD_HEADER, ORIGINAL_URL_HEADER);
			}
			return false;
		}
		if (!this.proofs.knowsItsOrigins()) {
			if (this.missingOriginsLogged.compareAndSet(false, true)) {
				logger.warn("A DPoP-bound token arrived but EXCHANGE_PUBLIC_ORIGINS is not set: every such request is "
						+ "refused (a proof names the URL the client called, which must be this gateway's)");
			}
			return false;
		}
		return this.proofs.verify(proofs.get(0), method, url, token, thumbprint);
	}

	private static String dpopChallenge(String error, String description) {
		return "DPoP realm=\"lanyard\", error=\"" + error + "\""
				+ ((description != null) ? ", error_description=\"" + description + "\"" : "") + ", algs=\""
				+ DPOP_ALGORITHMS + "\"";
	}

	private static ResponseEntity<Void> unauthorized(String challenge) {
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, challenge).build();
	}

}
