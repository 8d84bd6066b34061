package dev.lanyard.server.key;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import dev.lanyard.server.storage.AdvisoryLocks;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Signing keys in PostgreSQL, shared by every node. */
@Repository
public class JdbcSigningKeyRepository {

	private final JdbcClient jdbc;

	private final DataSource dataSource;

	public JdbcSigningKeyRepository(JdbcClient jdbc, DataSource dataSource) {
		this.jdbc = jdbc;
		this.dataSource = dataSource;
	}

	public List<SigningKey> findAll() {
		return this.jdbc.sql("SELECT * FROM signing_keys ORDER BY created_at DESC").query(this::map).list();
	}

	public Optional<SigningKey> findByState(SigningKey.State state) {
		return this.jdbc.sql("SELECT * FROM signing_keys WHERE state = ? ORDER BY created_at DESC LIMIT 1")
			.param(state.dbValue())
			.query(this::map)
			.optional();
	}

	public void insert(SigningKey key) {
		this.jdbc
			.sql("""
					INSERT INTO signing_keys (kid, algorithm, state, public_jwk, private_key_sealed, created_at, activated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)""")
			.params(key.kid(), key.algorithm(), key.state().dbValue(), key.publicJwk(), key.sealedPrivateKey(),
					Timestamp.from(key.createdAt()),
					(key.activatedAt() != null) ? Timestamp.from(key.activatedAt()) : null)
			.update();
	}

	public void retire(String kid, Instant at) {
		this.jdbc.sql("UPDATE signing_keys SET state = 'retired', retired_at = ? WHERE kid = ?")
			.params(Timestamp.from(at), kid)
			.update();
	}

	public void activate(String kid, Instant at) {
		this.jdbc.sql("UPDATE signing_keys SET state = 'active', activated_at = ?, activate_after = NULL WHERE kid = ?")
			.params(Timestamp.from(at), kid)
			.update();
	}

	/** Schedules the next key to start signing at the given time. */
	public void scheduleActivation(String kid, Instant at) {
		this.jdbc.sql("UPDATE signing_keys SET activate_after = ? WHERE kid = ? AND state = 'next'")
			.params(Timestamp.from(at), kid)
			.update();
	}

	/** Removes a key from publication at once (emergency withdrawal). */
	public void delete(String kid) {
		this.jdbc.sql("DELETE FROM signing_keys WHERE kid = ?").param(kid).update();
	}

	/**
	 * A value that changes whenever any key changes: nodes compare it to learn of a
	 * change made on another node without reading the keys.
	 */
	public String fingerprint() {
		return this.jdbc.sql("""
				SELECT count(*) || ':' || coalesce(string_agg(kid || state || coalesce(activate_after::text, ''), ','
				  ORDER BY kid), '') FROM signing_keys""").query(String.class).single();
	}

	/** Deletes retired keys whose tokens have all expired. */
	public int deleteRetiredBefore(Instant cutoff) {
		return this.jdbc.sql("DELETE FROM signing_keys WHERE state = 'retired' AND retired_at < ?")
			.param(Timestamp.from(cutoff))
			.update();
	}

	/** Serialises key management across nodes for the current transaction. */
	public void lockForKeyManagement() {
		AdvisoryLocks.KEY_MANAGEMENT.lockForTransaction(this.dataSource);
	}

	/** Takes the key-management lock if free; never waits. */
	public boolean tryLockForKeyManagement() {
		return AdvisoryLocks.KEY_MANAGEMENT.tryLockForTransaction(this.dataSource);
	}

	public Optional<byte[]> findMasterKeyCheck() {
		return this.jdbc.sql("SELECT sealed FROM master_key_check WHERE id = 1")
			.query((rs, row) -> rs.getBytes(1))
			.optional();
	}

	public void insertMasterKeyCheck(byte[] sealed) {
		this.jdbc.sql("INSERT INTO master_key_check (id, sealed) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")
			.param(sealed)
			.update();
	}

	private SigningKey map(ResultSet rs, int row) throws SQLException {
		return new SigningKey(rs.getString("kid"), rs.getString("algorithm"),
				SigningKey.State.fromDb(rs.getString("state")), rs.getString("public_jwk"),
				rs.getBytes("private_key_sealed"), instant(rs, "created_at"), instant(rs, "activated_at"),
				instant(rs, "retired_at"), instant(rs, "activate_after"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
