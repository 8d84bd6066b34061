package dev.lanyard.jwt;

import java.util.Base64;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * The state of one verification as it passes through nimbus's JWT processor: the token's
 * payload, and what the steps found (the key, the claims). Created per call and used by
 * one thread only; not thread-safe.
 */
final class VerificationContext implements SecurityContext {

	private final String token;

	private final int payloadStart;

	private final int payloadEnd;

	private JWKSet keySet;

	private JWK key;

	private SessionClaims claims;

	VerificationContext(String token, int payloadStart, int payloadEnd) {
		this.token = token;
		this.payloadStart = payloadStart;
		this.payloadEnd = payloadEnd;
	}

	/**
	 * The decoded payload; the token's characters were already checked to be canonical
	 * base64url.
	 */
	byte[] payload() {
		return Base64.getUrlDecoder().decode(this.token.substring(this.payloadStart, this.payloadEnd));
	}

	void keyFound(JWKSet keySet, JWK key) {
		this.keySet = keySet;
		this.key = key;
	}

	/** The key set the key was selected from, or {@code null} before selection. */
	JWKSet keySet() {
		return this.keySet;
	}

	/** The key that the signature was checked with, or {@code null} when none matched. */
	JWK key() {
		return this.key;
	}

	void claimsVerified(SessionClaims claims) {
		this.claims = claims;
	}

	/** The verified claims, or {@code null} until every rule passed. */
	SessionClaims claims() {
		return this.claims;
	}

}
