package dev.lanyard.server.key;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.lanyard.server.storage.OwnerOnlyFiles;
import dev.lanyard.server.LanyardProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-encryption key that seals signing private keys at rest. It is derived with
 * HKDF-SHA256 (RFC 5869) from {@code LANYARD_MASTER_KEY}; values are sealed with
 * AES-256-GCM under a fresh 96-bit nonce, with the purpose bound as associated data.
 * Thread-safe.
 */
public final class MasterKey {

	private static final Logger logger = LoggerFactory.getLogger(MasterKey.class);

	/** The shortest master key accepted. */
	public static final int MINIMUM_LENGTH = 32;

	private static final byte FORMAT_VERSION = 1;

	private static final int NONCE_BYTES = 12;

	private static final SecureRandom random = new SecureRandom();

	private final byte[] pseudoRandomKey;

	private final SecretKeySpec key;

	private MasterKey(byte[] pseudoRandomKey) {
		this.pseudoRandomKey = pseudoRandomKey;
		this.key = new SecretKeySpec(derive("key-encryption"), "AES");
	}

	/**
	 * The master key from configuration, or in development (none configured) one
	 * generated once and kept in {@code dataDirectory/master.key}.
	 * @param configured the configured secret; may be {@code null} or blank
	 * @param dataDirectory where a development key is kept
	 * @return the key
	 */
	public static MasterKey resolve(String configured, Path dataDirectory) {
		return resolve(configured, dataDirectory, false);
	}

	/**
	 * As {@link #resolve(String, Path)}, refusing the development key with a database of
	 * the operator's own: there the signing keys outlive this machine and are shared with
	 * other nodes, which a key file on one node's disk cannot serve (each node would seal
	 * with its own and not open the others'; a lost disk would lose every signing key).
	 * @param externalDatabase whether the database is not the embedded development one
	 */
	public static MasterKey resolve(String configured, Path dataDirectory, boolean externalDatabase) {
		if ((configured == null || configured.isBlank()) && externalDatabase) {
			throw new IllegalStateException("LANYARD_MASTER_KEY is not set. With a database of your own "
					+ "(SPRING_DATASOURCE_URL), set it to at least " + MINIMUM_LENGTH
					+ " characters of a random secret, the same on every node, kept in a secret store: it seals the "
					+ "signing keys. Only the embedded development database runs without it.");
		}
		if (configured != null && !configured.isBlank()) {
			if (configured.length() < MINIMUM_LENGTH) {
				throw new IllegalStateException("LANYARD_MASTER_KEY must be at least " + MINIMUM_LENGTH
						+ " characters of a random secret; the configured one is shorter");
			}
			if (LanyardProperties.PUBLISHED_EXAMPLE_SECRETS.contains(configured)) {
				// Warned here; refused (LanyardProperties) unless the issuer is on this
				// machine: docker/compose.yaml runs with it out of the box.
				logger.warn("LANYARD_MASTER_KEY is a placeholder published with Lanyard: anyone can open the "
						+ "signing keys and second-factor secrets it seals. Set a random secret of your own before "
						+ "production (e.g. openssl rand -base64 48).");
			}
			return fromSecret(configured);
		}
		Path file = dataDirectory.resolve("master.key");
		try {
			if (!Files.exists(file)) {
				Files.createDirectories(dataDirectory);
				byte[] bytes = new byte[32];
				random.nextBytes(bytes);
				// Written whole, owner-only, then moved into place: a crash or
				// a full disk never leaves a master.key that is empty or cut
				// short (a key derived from it would be public). A node that
				// moved its own first wins.
				Path written = OwnerOnlyFiles.createTemp(dataDirectory, "master", ".key.tmp");
				Files.writeString(written, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
				try {
					Files.move(written, file, StandardCopyOption.ATOMIC_MOVE);
				}
				catch (FileAlreadyExistsException ex) {
					Files.deleteIfExists(written);
				}
			}
			logger.warn("LANYARD_MASTER_KEY is not set: using the development master key in {}. "
					+ "Set LANYARD_MASTER_KEY in production.", file.toAbsolutePath());
			String kept = Files.readString(file).strip();
			if (kept.length() < MINIMUM_LENGTH) {
				throw new IllegalStateException("The development master key in " + file.toAbsolutePath()
						+ " is shorter than " + MINIMUM_LENGTH + " characters (empty or cut short): it protects "
						+ "nothing. Restore it from a backup, or set LANYARD_MASTER_KEY.");
			}
			return fromSecret(kept);
		}
		catch (IOException ex) {
			throw new IllegalStateException("LANYARD_MASTER_KEY is not set and no development key could be kept in "
					+ file.toAbsolutePath() + ": " + ex.getMessage(), ex);
		}
	}

	/** A master key derived from a secret string. */
	public static MasterKey fromSecret(String secret) {
		byte[] ikm = secret.getBytes(StandardCharsets.UTF_8);
		return new MasterKey(hmac("lanyard-master-key-v1".getBytes(StandardCharsets.US_ASCII), ikm));
	}

	/**
	 * A 256-bit key for another purpose, independent of the key-encryption key and of
	 * every other purpose's key (HKDF-Expand, RFC 5869 §2.3, with the purpose as info).
	 * @param purpose what the key is for, e.g. {@code device-cookie}
	 */
	public byte[] derive(String purpose) {
		return Arrays.copyOf(hmac(this.pseudoRandomKey, (purpose + "\u0001").getBytes(StandardCharsets.US_ASCII)), 32);
	}

	/**
	 * An HMAC-SHA256 of a value under the key derived for a purpose ({@link #derive}): a
	 * fingerprint of something secret that only holders of the master key can compute.
	 * @param purpose what the fingerprint is for, e.g. {@code bootstrap-entry}
	 */
	public byte[] authenticate(String purpose, byte[] value) {
		return hmac(derive(purpose), value);
	}

	/**
	 * Encrypts and authenticates a value.
	 * @param plaintext the value
	 * @param purpose what the value is for; the same purpose must be given to open it
	 * @return version, nonce and ciphertext with tag
	 */
	public byte[] seal(byte[] plaintext, String purpose) {
		try {
			byte[] nonce = new byte[NONCE_BYTES];
			random.nextBytes(nonce);
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(128, nonce));
			cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
			byte[] ciphertext = cipher.doFinal(plaintext);
			return ByteBuffer.allocate(1 + NONCE_BYTES + ciphertext.length)
				.put(FORMAT_VERSION)
				.put(nonce)
				.put(ciphertext)
				.array();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is required of every Java runtime", ex);
		}
	}

	/**
	 * Decrypts a sealed value.
	 * @throws WrongMasterKeyException if the value was sealed with another key or altered
	 */
	public byte[] open(byte[] sealed, String purpose) {
		if (sealed.length < 1 + NONCE_BYTES + 16 || sealed[0] != FORMAT_VERSION) {
			throw new WrongMasterKeyException();
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(128, sealed, 1, NONCE_BYTES));
			cipher.updateAAD(purpose.getBytes(StandardCharsets.UTF_8));
			return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
		}
		catch (javax.crypto.AEADBadTagException ex) {
			throw new WrongMasterKeyException();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is required of every Java runtime", ex);
		}
	}

	private static byte[] hmac(byte[] key, byte[] data) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(data);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is required of every Java runtime", ex);
		}
	}

	/** A sealed value did not open: another master key sealed it, or it was altered. */
	public static final class WrongMasterKeyException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		WrongMasterKeyException() {
			super("The value was sealed with a different master key, or altered");
		}

	}

}
