package dev.lanyard.server.key;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.lanyard.server.authorization.RevocationOutbox;
import dev.lanyard.server.LanyardProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The life of token signing keys: generated on first start, shared by every node through
 * PostgreSQL (private parts sealed with the master key), published in the JWKS before
 * first use ({@code next}), and kept published after retirement until every token they
 * signed has expired.
 * <p>
 * No node signs with a key before every verifier can know it: a next key starts signing
 * only once it has been published for the publication period (longer than the JWKS
 * {@code Cache-Control: max-age}). Asking to rotate earlier schedules the rotation for
 * that moment; asking again changes nothing. {@link #rotateInEmergency()} is the one
 * exception, and says what it breaks. Every node re-reads the keys within a second of any
 * change ({@link #refresh()}, PostgreSQL being the truth), so a node never signs with, or
 * publishes less than, what another node decided. Thread-safe.
 */
@Service
public class SigningKeyService implements InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(SigningKeyService.class);

	/** Longest a node serves its snapshot if its periodic re-read keeps failing. */
	static final Duration CACHE_TTL = Duration.ofSeconds(30);

	private static final String PRIVATE_KEY_PURPOSE = "signing-key:";

	private static final String CHECK_PURPOSE = "master-key-check";

	private final JdbcSigningKeyRepository repository;

	private final MasterKey masterKey;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final Duration retiredRetention;

	private final Duration publicationPeriod;

	private final RevocationOutbox revocations;

	private volatile Snapshot snapshot;

	public SigningKeyService(JdbcSigningKeyRepository repository, MasterKey masterKey, TransactionTemplate transactions,
			Clock clock, LanyardProperties properties, RevocationOutbox revocations) {
		this.repository = repository;
		this.revocations = revocations;
		this.masterKey = masterKey;
		this.transactions = transactions;
		this.clock = clock;
		this.publicationPeriod = properties.keys().publicationPeriod();
		// Longest-lived token signed by these keys, plus the verifiers' JWKS cache time.
		this.retiredRetention = properties.tokens()
			.idToken()
			.plus(properties.keys().jwksMaxAge())
			.plus(Duration.ofMinutes(5));
	}

	@Override
	public void afterPropertiesSet() {
		this.transactions.executeWithoutResult((status) -> {
			this.repository.lockForKeyManagement();
			// Under the lock: two nodes starting at once on a new database with different
			// master keys used to both pass (each saw no check yet), and one then sealed
			// the signing keys with a key the check disagreed with.
			verifyMasterKey();
			Instant now = this.clock.instant();
			if (this.repository.findByState(SigningKey.State.ACTIVE).isEmpty()) {
				Optional<SigningKey> next = this.repository.findByState(SigningKey.State.NEXT);
				if (next.isPresent()) {
					this.repository.activate(next.get().kid(), now);
				}
				else {
					// A new deployment: no verifier has seen any key or token yet.
					this.repository.insert(generate(SigningKey.State.ACTIVE, now));
					logger.info("Generated the first signing key");
				}
			}
			if (this.repository.findByState(SigningKey.State.NEXT).isEmpty()) {
				this.repository.insert(generate(SigningKey.State.NEXT, now));
			}
			this.repository.deleteRetiredBefore(now.minus(this.retiredRetention));
		});
		this.snapshot = load();
	}

	/**
	 * Rotates as soon as it is safe: the next key starts signing (the active one retires
	 * and a new next key is published) now if it has been published for the publication
	 * period, else at the moment it will have been. A rotation already scheduled stays as
	 * it is.
	 * @return when the next key starts (or started) signing
	 */
	public Instant rotate() {
		Instant startsAt = this.transactions.execute((status) -> {
			this.repository.lockForKeyManagement();
			Instant now = this.clock.instant();
			SigningKey next = this.repository.findByState(SigningKey.State.NEXT).orElseThrow();
			if (next.activateAfter() != null) {
				return next.activateAfter();
			}
			Instant safe = next.createdAt().plus(this.publicationPeriod);
			if (safe.isAfter(now)) {
				this.repository.scheduleActivation(next.kid(), safe);
				return safe;
			}
			activate(next, now);
			return now;
		});
		refresh();
		logger.info("Signing key rotation: the next key signs from {}", startsAt);
		return startsAt;
	}

	/**
	 * Rotates at once, for the active key that must stop signing now (its private part
	 * leaked): {@link #withdraw} of the key active at this moment.
	 */
	public void rotateInEmergency() {
		withdraw(activeSigningKey().getKeyID());
	}

	/**
	 * Withdraws a key at once, whatever its state, for a key whose private part leaked:
	 * it leaves the JWKS and signs nothing more. The active key: the next key signs from
	 * now on. The next key: a new next key is made. A retired key only leaves the JWKS (a
	 * leak found after a rotation; withdrawing the active key instead would withdraw an
	 * innocent one and leave the leaked one published). What it breaks: tokens signed
	 * with the withdrawn key are refused by every verifier once it re-reads the JWKS
	 * (within {@code jwks-max-age}), and after the active key's withdrawal a verifier
	 * that has not yet fetched the next key refuses new tokens until its unknown-key
	 * refetch. A key already withdrawn is left as it is: the request sent twice, or by
	 * two administrators at once, withdraws one key, not the one activated meanwhile.
	 * @return whether the key was there to withdraw
	 */
	public boolean withdraw(String kid) {
		if (kid == null || !kid.matches("[A-Za-z0-9_-]{1,64}")) {
			// Not a key id of this server's (they are JWK thumbprints): nothing to look
			// up, nor to write in the log as it came.
			return false;
		}
		SigningKey.State withdrawn = this.transactions.execute((status) -> {
			this.repository.lockForKeyManagement();
			Instant now = this.clock.instant();
			SigningKey key = this.repository.findAll()
				.stream()
				.filter((candidate) -> candidate.kid().equals(kid))
				.findFirst()
				.orElse(null);
			if (key == null) {
				return null;
			}
			this.repository.delete(kid);
			if (key.state() != SigningKey.State.NEXT) {
				// Gateways drop the JWTs this key signed (told in this transaction):
				// every service would refuse them until they expired. A next key has
				// signed nothing.
				this.revocations.addKeyWithdrawal(kid);
			}
			if (key.state() == SigningKey.State.ACTIVE) {
				SigningKey next = this.repository.findByState(SigningKey.State.NEXT).orElseThrow();
				this.repository.activate(next.kid(), now);
			}
			if (key.state() != SigningKey.State.RETIRED) {
				this.repository.insert(generate(SigningKey.State.NEXT, now));
			}
			return key.state();
		});
		refresh();
		if (withdrawn == null) {
			logger.info("Signing key {} was already withdrawn", kid);
			return false;
		}
		logger.warn("Signing key {} ({}) was withdrawn at once{}", kid, withdrawn.dbValue(),
				(withdrawn == SigningKey.State.ACTIVE) ? ": the next key signs now" : "");
		return true;
	}

	/** Whether a key is in the JWKS this node publishes (not withdrawn). */
	public boolean published(String kid) {
		return kid != null && current().published().getKeyByKeyId(kid) != null;
	}

	/**
	 * Brings this node in line with the database, every second: performs a scheduled
	 * rotation that has come due (whichever node gets there first; the others find it
	 * done), and re-reads the keys if anything changed. One at a time: a refresh that
	 * read the keys before a rotation on a request thread must not write its older
	 * snapshot over the one that rotation loaded (the node would sign with a withdrawn
	 * key until the next refresh).
	 */
	@Scheduled(fixedDelayString = "PT1S", initialDelayString = "PT1S")
	public synchronized void refresh() {
		try {
			Instant now = this.clock.instant();
			Snapshot current = this.snapshot;
			if (current != null && current.dueAt() != null && !current.dueAt().isAfter(now)) {
				// Without waiting: a node holding the lock is doing key work (this
				// rotation, or another), which this re-read then finds done. Waiting
				// here, with this object's lock held, stalled every request that signs
				// (and the JWKS) behind a stalled holder on another node, for up to two
				// minutes.
				this.transactions.executeWithoutResult((status) -> {
					if (this.repository.tryLockForKeyManagement()) {
						this.repository.findByState(SigningKey.State.NEXT)
							.filter((next) -> next.activateAfter() != null && !next.activateAfter().isAfter(now))
							.ifPresent((next) -> activate(next, now));
					}
				});
			}
			String fingerprint = this.repository.fingerprint();
			if (current == null || !fingerprint.equals(current.fingerprint())) {
				this.snapshot = load();
			}
			else {
				this.snapshot = current.checkedAt(now);
			}
		}
		catch (RuntimeException ex) {
			// PostgreSQL unavailable: keep signing with what this node knows; retried in
			// a second.
			logger.debug("Could not re-read the signing keys: {}", ex.getMessage());
		}
	}

	/** Retires the active key, lets the next one sign, publishes a new next key. */
	private void activate(SigningKey next, Instant now) {
		this.repository.findByState(SigningKey.State.ACTIVE)
			.ifPresent((active) -> this.repository.retire(active.kid(), now));
		this.repository.activate(next.kid(), now);
		this.repository.insert(generate(SigningKey.State.NEXT, now));
		this.repository.deleteRetiredBefore(now.minus(this.retiredRetention));
	}

	/** Every key as stored, newest first, for the admin view. */
	public List<SigningKey> keys() {
		return this.repository.findAll();
	}

	/** The key that signs new tokens, with its private part. */
	public RSAKey activeSigningKey() {
		return current().active();
	}

	/** The public keys verifiers must know: next, active and recently retired. */
	public JWKSet publishedKeys() {
		return current().published();
	}

	private Snapshot current() {
		Snapshot current = this.snapshot;
		if (current == null || current.checkedAt().plus(CACHE_TTL).isBefore(this.clock.instant())) {
			// Rarely (the refresh keeps it fresh): with the refresh's lock, for the same
			// reason.
			synchronized (this) {
				current = this.snapshot;
				if (current == null || current.checkedAt().plus(CACHE_TTL).isBefore(this.clock.instant())) {
					current = load();
					this.snapshot = current;
				}
			}
		}
		return current;
	}

	private Snapshot load() {
		String fingerprint = this.repository.fingerprint();
		List<JWK> published = new ArrayList<>();
		RSAKey active = null;
		Instant dueAt = null;
		for (SigningKey key : this.repository.findAll()) {
			RSAKey publicKey = parsePublic(key);
			published.add(publicKey);
			if (key.state() == SigningKey.State.ACTIVE) {
				active = withPrivatePart(publicKey, key);
			}
			if (key.state() == SigningKey.State.NEXT && key.activateAfter() != null) {
				dueAt = key.activateAfter();
			}
		}
		if (active == null) {
			throw new IllegalStateException("No active signing key in the database");
		}
		return new Snapshot(active, new JWKSet(published), dueAt, fingerprint, this.clock.instant());
	}

	/**
	 * Refuses to start with a master key other than the one this database's keys are
	 * sealed with; the first start records a check sealed with its key. The caller holds
	 * the key-management lock.
	 */
	private void verifyMasterKey() {
		if (this.repository.findMasterKeyCheck().isEmpty()) {
			this.repository.insertMasterKeyCheck(this.masterKey.seal(new byte[] { 1 }, CHECK_PURPOSE));
		}
		try {
			this.masterKey.open(this.repository.findMasterKeyCheck().orElseThrow(), CHECK_PURPOSE);
		}
		catch (MasterKey.WrongMasterKeyException ex) {
			throw new IllegalStateException("LANYARD_MASTER_KEY is not the key this database's signing keys were "
					+ "sealed with. Start with the original master key.");
		}
	}

	private SigningKey generate(SigningKey.State state, Instant now) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair pair = generator.generateKeyPair();
			RSAKey publicJwk = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.keyIDFromThumbprint()
				.build();
			byte[] sealed = this.masterKey.seal(pair.getPrivate().getEncoded(),
					PRIVATE_KEY_PURPOSE + publicJwk.getKeyID());
			return new SigningKey(publicJwk.getKeyID(), "RS256", state, publicJwk.toJSONString(), sealed, now,
					(state == SigningKey.State.ACTIVE) ? now : null, null, null);
		}
		catch (NoSuchAlgorithmException | JOSEException ex) {
			throw new IllegalStateException("RSA key generation failed", ex);
		}
	}

	private static RSAKey parsePublic(SigningKey key) {
		try {
			return RSAKey.parse(key.publicJwk());
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Stored public key " + key.kid() + " is not a valid JWK", ex);
		}
	}

	private RSAKey withPrivatePart(RSAKey publicKey, SigningKey key) {
		byte[] pkcs8 = this.masterKey.open(key.sealedPrivateKey(), PRIVATE_KEY_PURPOSE + key.kid());
		try {
			RSAPrivateKey privateKey = (RSAPrivateKey) KeyFactory.getInstance("RSA")
				.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
			return new RSAKey.Builder(publicKey).privateKey(privateKey).build();
		}
		catch (NoSuchAlgorithmException | InvalidKeySpecException ex) {
			throw new IllegalStateException("Stored private key " + key.kid() + " cannot be read", ex);
		}
	}

	/**
	 * What this node knows of the keys.
	 *
	 * @param active the signing key
	 * @param published the public keys of the JWKS
	 * @param dueAt when a scheduled rotation comes due; {@code null} if none
	 * @param fingerprint the database's key fingerprint when read
	 * @param checkedAt when last found current
	 */
	private record Snapshot(RSAKey active, JWKSet published, Instant dueAt, String fingerprint, Instant checkedAt) {

		/** The key's id, never the key: a JWK's own text holds its private parts. */
		@Override
		public String toString() {
			return "Snapshot[active=" + ((this.active != null) ? this.active.getKeyID() : null) + ", dueAt="
					+ this.dueAt + "]";
		}

		Snapshot checkedAt(Instant now) {
			return new Snapshot(this.active, this.published, this.dueAt, this.fingerprint, now);
		}

	}

}
