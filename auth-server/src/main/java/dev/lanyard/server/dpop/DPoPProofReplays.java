package dev.lanyard.server.dpop;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.lanyard.server.storage.TablePurges;

import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.oauth2.jwt.DPoPProofReplayValidator;
import org.springframework.stereotype.Repository;

/**
 * The DPoP proofs already used, in PostgreSQL so that every node sees the same set (RFC
 * 9449 §11.1: a proof is good for one request; the framework's own store is one node's
 * memory). The framework's {@link DPoPProofReplayValidator} asks through the only method
 * it uses, {@link #putIfAbsent}, with the SHA-256 of the proof's {@code jti}; a row is
 * kept until the proof could no longer be accepted for its age. Thread-safe.
 */
@Repository
public class DPoPProofReplays implements Cache {

	/**
	 * How long a row outlives its proof: nodes' clocks may run behind the purging one.
	 */
	static final Duration PURGE_MARGIN = Duration.ofMinutes(10);

	private final JdbcClient jdbc;

	private final Clock clock;

	private final TablePurges purges;

	public DPoPProofReplays(JdbcClient jdbc, Clock clock, TablePurges purges) {
		this.jdbc = jdbc;
		this.clock = clock;
		this.purges = purges;
	}

	/**
	 * Records a proof's first use: {@code null} the first time, the value when this or
	 * another node recorded it before (the primary key decides, atomically).
	 */
	@Override
	public ValueWrapper putIfAbsent(Object jtiHash, Object value) {
		DPoPProofReplayValidator.CacheValue used = (DPoPProofReplayValidator.CacheValue) value;
		int inserted = this.jdbc.sql("""
				INSERT INTO dpop_proof_jtis (jti_hash, expires_at) VALUES (?, ?)
				ON CONFLICT (jti_hash) DO NOTHING""").params(jtiHash, Timestamp.from(used.getExpiresAt())).update();
		return (inserted == 1) ? null : new SimpleValueWrapper(used);
	}

	@Override
	public void put(Object key, Object value) {
		putIfAbsent(key, value);
	}

	@Override
	public String getName() {
		return "dpop-proof-jtis";
	}

	@Override
	public Object getNativeCache() {
		return this.jdbc;
	}

	/** Not used by the validator: a proof is only ever recorded, never read back. */
	@Override
	public ValueWrapper get(Object key) {
		return null;
	}

	@Override
	public <T> T get(Object key, Class<T> type) {
		return null;
	}

	@Override
	public <T> T get(Object key, Callable<T> valueLoader) {
		throw new UnsupportedOperationException("DPoP proofs are only recorded");
	}

	@Override
	public void evict(Object key) {
		// A used proof stays used.
	}

	@Override
	public void clear() {
		// A used proof stays used.
	}

	/** Forgets the proofs too old to be accepted again (their age is checked first). */
	@Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT10M")
	public void purgeExpired() {
		this.purges.inBackground("dpop-proof-ids", Duration.ofMinutes(10),
				() -> TablePurges.deleteInBatches(this.jdbc, "dpop_proof_jtis", "expires_at < :cutoff", "expires_at",
						Map.of("cutoff", Timestamp.from(this.clock.instant().minus(PURGE_MARGIN)))));
	}

}
