package dev.lanyard.server.bootstrap;

import java.net.InetAddress;
import java.net.UnknownHostException;

import dev.lanyard.server.token.OpaqueTokenValues;
import dev.lanyard.server.token.TokenHash;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

/**
 * The one-time setup link of a first start with no administrator (like Jenkins' and
 * Keycloak's): a random token, printed to this node's log, that opens {@code /setup} —
 * from this machine only, and only until an administrator exists. Kept as a hash in this
 * node's memory: a restart prints a new one. Thread-safe.
 */
@Component
public class FirstRunSetup {

	private volatile String tokenHash;

	/** Opens setup; returns the token to print. */
	String open() {
		String token = OpaqueTokenValues.CLIENT_SECRET.generate().replace("lycs_", "setup_");
		this.tokenHash = TokenHash.of(token);
		return token;
	}

	/** Closes setup for good (an administrator exists). */
	void close() {
		this.tokenHash = null;
	}

	/**
	 * Whether a request may use setup: the token printed, from the loopback interface,
	 * not relayed by a proxy (whose own address would be loopback).
	 */
	boolean admits(HttpServletRequest request, String token) {
		String hash = this.tokenHash;
		if (hash == null || token == null || !TokenHash.matches(token, hash)) {
			return false;
		}
		if (request.getHeader("X-Forwarded-For") != null || request.getHeader("Forwarded") != null
				|| request.getHeader("X-Real-IP") != null) {
			return false;
		}
		try {
			return InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
