package dev.lanyard.server.bootstrap;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Optional;

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

	private final MasterKey masterKey;

	BootstrapEntries(JdbcClient jdbc, MasterKey masterKey) {
		this.jdbc = jdbc;
		this.masterKey = masterKey;
	}

	/**
	 * An entry's digest when the file gives it otherwise than when it was last applied
	 * (or it was never applied), to remember with {@link #applied} once it is; empty when
	 * it was applied as it is.
	 */
	Optional<byte[]> changed(String kind, String name, String content) {
		byte[] digest = this.masterKey.authenticate("bootstrap-entry",
				(kind + '\0' + content).getBytes(StandardCharsets.UTF_8));
		boolean appliedAsIs = this.jdbc.sql("SELECT digest FROM bootstrap_entries WHERE kind = ? AND name = ?")
			.params(kind, name)
			.query(byte[].class)
			.optional()
			.map((applied) -> MessageDigest.isEqual(applied, digest))
			.orElse(false);
		return appliedAsIs ? Optional.empty() : Optional.of(digest);
	}

	/**
	 * Forgets the entries of a kind the file no longer gives: one given again later is
	 * new, and applied (it used to be found "applied as it is" and skipped, so a client
	 * taken out of the file and deleted never came back when put in again).
	 * @param given the names the file gives now
	 */
	void forgetAllBut(String kind, Collection<String> given) {
		this.jdbc.sql("DELETE FROM bootstrap_entries WHERE kind = ? AND NOT (name = ANY (?))")
			.params(kind, given.toArray(String[]::new))
			.update();
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
