package dev.lanyard.jwt.servlet;

import java.lang.System.Logger.Level;
import java.util.Enumeration;

import dev.lanyard.jwt.JwtVerificationException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The bearer credentials of a request, read from its {@code Authorization} header only
 * (RFC 6750 §2.1), and the RFC 6750 §3 answers when they do not do. One rule for
 * {@link JwtSessionFilter} and the Spring Security integration.
 *
 * <p>
 * Tokens in the query string or form body (RFC 6750 §2.2, §2.3) are never read.
 *
 * @param kind what the request carries
 * @param token the token when {@code kind} is {@link Kind#TOKEN}, otherwise {@code null}
 */
public record BearerCredentials(Kind kind, String token) {

	private static final System.Logger LOG = System.getLogger(BearerCredentials.class.getName());

	/** Never the token: a credential, whoever logs this. */
	@Override
	public String toString() {
		return "BearerCredentials[kind=" + this.kind + ", token=" + ((this.token != null) ? "***" : null) + "]";
	}

	private static final String BEARER = "Bearer";

	/** The challenge for a request without bearer credentials (RFC 6750 §3.1). */
	public static final String CHALLENGE = BEARER;

	/** The challenge for a token that is malformed or fails verification. */
	public static final String INVALID_TOKEN_CHALLENGE = "Bearer error=\"invalid_token\"";

	/** The challenge for a malformed request (several {@code Authorization} headers). */
	public static final String INVALID_REQUEST_CHALLENGE = "Bearer error=\"invalid_request\"";

	/**
	 * The challenge for a valid token that lacks the rights the resource needs (RFC 6750
	 * §3.1).
	 */
	public static final String INSUFFICIENT_SCOPE_CHALLENGE = "Bearer error=\"insufficient_scope\"";

	/** What a request's {@code Authorization} header holds. */
	public enum Kind {

		/** No {@code Authorization} header, or another scheme. */
		NONE,

		/** More than one {@code Authorization} header. */
		DUPLICATE_HEADER,

		/** The Bearer scheme without a well-formed b64token. */
		MALFORMED,

		/** A well-formed bearer token, not verified yet. */
		TOKEN

	}

	/**
	 * Reads a request's bearer credentials.
	 * @param request the request, not {@code null}
	 * @return what it carries
	 */
	public static BearerCredentials of(HttpServletRequest request) {
		Enumeration<String> headers = request.getHeaders("Authorization");
		String authorization = headers != null && headers.hasMoreElements() ? headers.nextElement() : null;
		if (authorization != null && headers.hasMoreElements()) {
			return new BearerCredentials(Kind.DUPLICATE_HEADER, null);
		}
		String token = bearerToken(authorization);
		if (token == null) {
			return new BearerCredentials(Kind.NONE, null);
		}
		return token.isEmpty() ? new BearerCredentials(Kind.MALFORMED, null) : new BearerCredentials(Kind.TOKEN, token);
	}

	/**
	 * Ends the request when its credentials cannot be used at all (several
	 * {@code Authorization} headers: 400; the Bearer scheme without a token: 401
	 * {@code invalid_token}).
	 * @return whether the request was ended
	 */
	public boolean rejectUnusable(HttpServletResponse response) {
		switch (this.kind) {
			case DUPLICATE_HEADER ->
				reject(response, HttpServletResponse.SC_BAD_REQUEST, INVALID_REQUEST_CHALLENGE, "duplicate_header");
			case MALFORMED ->
				reject(response, HttpServletResponse.SC_UNAUTHORIZED, INVALID_TOKEN_CHALLENGE, "malformed");
			default -> {
				return false;
			}
		}
		return true;
	}

	/**
	 * Answers a token that did not verify: 401 with the {@code invalid_token} challenge,
	 * or, when the keys to verify it with could not be had ({@code jwks_unavailable}: the
	 * authorization server unreachable, nothing cached yet), 503 with
	 * {@code Retry-After}. The token may be good; a 401 told clients to drop it and sign
	 * in again, in a loop for as long as the outage lasted.
	 * @param reason the failure's reason code
	 */
	public static void rejectToken(HttpServletResponse response, String reason) {
		if (JwtVerificationException.Reason.JWKS_UNAVAILABLE.code().equals(reason)) {
			LOG.log(Level.DEBUG, "Rejected request: {0}", reason);
			response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
			response.setHeader("Retry-After", "5");
			response.setHeader("Cache-Control", "no-store");
			response.setContentLength(0);
			return;
		}
		reject(response, HttpServletResponse.SC_UNAUTHORIZED, INVALID_TOKEN_CHALLENGE, reason);
	}

	/**
	 * Ends a request with an empty answer, {@code WWW-Authenticate} and
	 * {@code Cache-Control: no-store}. Only the reason code is logged, at DEBUG.
	 * @param response the response, not committed
	 * @param status 400, 401 or 403
	 * @param challenge the {@code WWW-Authenticate} value, one of the constants above
	 * @param reason why, for the log (a reason code, never a value from the token)
	 */
	public static void reject(HttpServletResponse response, int status, String challenge, String reason) {
		LOG.log(Level.DEBUG, "Rejected request: {0}", reason);
		response.setStatus(status);
		response.setHeader("WWW-Authenticate", challenge);
		response.setHeader("Cache-Control", "no-store");
		response.setContentLength(0);
	}

	/**
	 * Extracts the token from an {@code Authorization} value. RFC 6750 §2.1:
	 * {@code "Bearer" 1*SP b64token}; the scheme is case-insensitive (RFC 9110 §11.1).
	 * @return the token; the empty string when the scheme is Bearer but the token is not
	 * a b64token; {@code null} when there are no bearer credentials at all
	 */
	private static String bearerToken(String authorization) {
		if (authorization == null || authorization.length() < BEARER.length()
				|| !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return null;
		}
		int start = BEARER.length();
		if (authorization.length() == start) {
			return "";
		}
		if (authorization.charAt(start) != ' ') {
			return null; // e.g. "Bearerx": another scheme
		}
		while (start < authorization.length() && authorization.charAt(start) == ' ') {
			start++;
		}
		String token = authorization.substring(start);
		return isB64Token(token) ? token : "";
	}

	// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
	private static boolean isB64Token(String token) {
		int i = 0;
		int n = token.length();
		while (i < n) {
			char c = token.charAt(i);
			if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
					|| c == '~' || c == '+' || c == '/') {
				i++;
			}
			else {
				break;
			}
		}
		if (i == 0) {
			return false;
		}
		while (i < n && token.charAt(i) == '=') {
			i++;
		}
		return i == n;
	}

}
