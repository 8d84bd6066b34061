package dev.lanyard.server.client;

import dev.lanyard.server.token.TokenHash;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Client secrets are high-entropy (server-generated 256-bit, or at least 32 characters
 * supplied), so a fast SHA-256 protects them at rest as well as a slow hash would,
 * without costing tens of milliseconds on every token request. Comparison is
 * constant-time.
 */
public final class ClientSecretEncoder implements PasswordEncoder {

	@Override
	public String encode(CharSequence rawSecret) {
		return TokenHash.of(rawSecret.toString());
	}

	@Override
	public boolean matches(CharSequence rawSecret, String storedHash) {
		return rawSecret != null && TokenHash.matches(rawSecret.toString(), storedHash);
	}

}
