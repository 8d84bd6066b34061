package dev.lanyard.server.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import dev.lanyard.server.web.ClientNetwork;

/**
 * One password check as the {@link LoginThrottle} counts it: fixed-size keys (SHA-256
 * digests) for the account, the trusted device and the client address, never the strings
 * an attacker chose (a 2 MiB login name must not become a 2 MiB key). Immutable.
 *
 * @param accountKey the account's key; {@code null} when the typed name cannot be an
 * account's (over-long), so only the address is counted
 * @param deviceKey the key of the browser that signed in to this account before (a device
 * cookie); {@code null} from an unknown device
 * @param addressKey the client address's key; {@code null} when unknown
 */
public record LoginAttempt(String accountKey, String deviceKey, String addressKey) {

	/**
	 * @param loginName the canonical login name ({@code LoginName}); may be {@code null}
	 * @param trustedDevice the id of a device cookie valid for this account; may be
	 * {@code null}
	 * @param address the client address; may be {@code null}
	 */
	public static LoginAttempt of(String loginName, String trustedDevice, String address) {
		return new LoginAttempt((loginName != null) ? accountKey(loginName) : null,
				(loginName != null && trustedDevice != null) ? key("device", trustedDevice) : null,
				(address != null) ? key("address", ClientNetwork.of(address)) : null);
	}

	/**
	 * An attempt at something other than a password (a code typed at {@code /activate}, a
	 * reset link used), counted apart from passwords and from every other purpose: the
	 * purpose is part of each key, never part of a name an attacker types (a login name
	 * {@code device-code:<sub>} must not count against a person's device codes).
	 * @param purpose what is attempted, e.g. {@code device-code}
	 * @param account the person's id, or {@code null} to count by address only
	 * @param address the client address; may be {@code null}
	 */
	public static LoginAttempt forPurpose(String purpose, String account, String address) {
		return new LoginAttempt((account != null) ? key(purpose + "-account", account) : null, null,
				(address != null) ? key(purpose + "-address", ClientNetwork.of(address)) : null);
	}

	/** The key an account's attempts from unknown devices count under. */
	public static String accountKey(String loginName) {
		return key("account", loginName);
	}

	/** The key that the account-wide bound applies to: the trusted device's if known. */
	String boundKey() {
		return (this.deviceKey != null) ? this.deviceKey : this.accountKey;
	}

	private static String key(String kind, String value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest((kind + '\0' + value).getBytes(StandardCharsets.UTF_8));
			return kind + ':' + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java runtime", ex);
		}
	}

}
