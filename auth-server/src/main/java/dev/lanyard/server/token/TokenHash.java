package dev.lanyard.server.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The SHA-256 of a token, code or secret, as unpadded base64url (43 characters): the only
 * form in which Lanyard stores them. A slow hash would add nothing for values with 256
 * bits of entropy and would cost time on every request.
 */
public final class TokenHash {

	private TokenHash() {
	}

	/** The SHA-256 of the UTF-8 bytes of {@code value}, base64url without padding. */
	public static String of(String value) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(digest(value));
	}

	/** Compares a candidate against a stored hash in constant time. */
	public static boolean matches(String candidate, String storedHash) {
		if (candidate == null || storedHash == null) {
			return false;
		}
		return MessageDigest.isEqual(of(candidate).getBytes(StandardCharsets.US_ASCII),
				storedHash.getBytes(StandardCharsets.US_ASCII));
	}

	private static byte[] digest(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java runtime", ex);
		}
	}

}
