package dev.lanyard.exchange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The SHA-256 of an opaque token, unpadded base64url: the key under which gateways cache
 * its JWT (never the token itself), and the form in which the authorization server names
 * revoked tokens on its revocation channel.
 */
public final class TokenHashes {

	private TokenHashes() {
	}

	public static String sha256(String token) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java runtime", ex);
		}
	}

}
