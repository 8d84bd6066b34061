package dev.lanyard.server.bootstrap;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.lanyard.server.key.MasterKey;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What the bootstrap file said of each entry when it was last applied (V32): an entry the
 * file still gives as it was is not applied again, so what an administrator changed since
 * in the console or the API (a disabled account, a regenerated client secret, a deleted
 * client) survives a restart, and a change made in the file reaches the database at the
 * next start.
 * <p>
 * An entry is remembered as an HMAC-SHA256 of its canonical text under a key derived from
 * the master key: the text holds passwords and client secrets, which an unkeyed hash
 * would let anyone reading the table guess offline.
 */
@Component
class BootstrapEntries {

	static final String USER = "user";

	static final String CLIENT = "client";

	static final String IDENTITY_PROVIDER = "identity_provider";

	private final JdbcClient jdbc;

	private final SecretKeySpec key;

	BootstrapEntries(JdbcClient jdbc, MasterKey masterKey) {
		this.jdbc = jdbc;
		this.key = new SecretKeySpec(masterKey.derive("bootstrap-entry"), "HmacSHA256");
	}

	/** The digest of an entry of the given kind, as the file gives it. */
	byte[] digest(String kind, String content) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			mac.update(kind.getBytes(StandardCharsets.US_ASCII));
			mac.update((byte) 0);
			return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is required of every Java runtime", ex);
		}
	}

	/** Whether the entry was last applied exactly as the file gives it now. */
	boolean appliedAsIs(String kind, String name, byte[] digest) {
		return this.jdbc.sql("SELECT digest FROM bootstrap_entries WHERE kind = ? AND name = ?")
			.params(kind, name)
			.query(byte[].class)
			.optional()
			.map((applied) -> MessageDigest.isEqual(applied, digest))
			.orElse(false);
	}

	/** Remembers that the entry was applied as the file gives it now. */
	void applied(String kind, String name, byte[] digest) {
		this.jdbc.sql("""
				INSERT INTO bootstrap_entries (kind, name, digest) VALUES (?, ?, ?)
				ON CONFLICT (kind, name) DO UPDATE SET digest = EXCLUDED.digest, applied_at = now()""")
			.params(kind, name, digest)
			.update();
	}

}
