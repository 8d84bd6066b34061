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
import dev.lanyard.server.LanyardProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The life of token signing keys: generated on first start, shared by every node through
 * PostgreSQL (private parts sealed with the master key), published in the JWKS before
 * first use ({@code next}), and kept published after retirement until every token they
 * signed has expired. Nodes re-read keys at most {@link #CACHE_TTL} after a change.
 * Thread-safe.
 */
@Service
public class SigningKeyService implements InitializingBean {

	private static final Logger logger = LoggerFactory.getLogger(SigningKeyService.class);

	/** How long a node keeps keys in memory before re-reading them. */
	static final Duration CACHE_TTL = Duration.ofSeconds(30);

	private static final String PRIVATE_KEY_PURPOSE = "signing-key:";

	private static final String CHECK_PURPOSE = "master-key-check";

	private final JdbcSigningKeyRepository repository;

	private final MasterKey masterKey;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final Duration retiredRetention;

	private volatile Snapshot snapshot;

	public SigningKeyService(JdbcSigningKeyRepository repository, MasterKey masterKey, TransactionTemplate transactions,
			Clock clock, LanyardProperties properties) {
		this.repository = repository;
		this.masterKey = masterKey;
		this.transactions = transactions;
		this.clock = clock;
		// Longest-lived token signed by these keys, plus the verifiers' JWKS cache time.
		this.retiredRetention = properties.tokens().idToken().plus(Duration.ofMinutes(10));
	}

	@Override
	public void afterPropertiesSet() {
		verifyMasterKey();
		this.transactions.executeWithoutResult((status) -> {
			this.repository.lockForKeyManagement();
			Instant now = this.clock.instant();
			if (this.repository.findByState(SigningKey.State.ACTIVE).isEmpty()) {
				Optional<SigningKey> next = this.repository.findByState(SigningKey.State.NEXT);
				if (next.isPresent()) {
					this.repository.activate(next.get().kid(), now);
				}
				else {
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
	 * Rotates now: the published next key starts signing, the active one retires, and a new
	 * next key is published.
	 */
	public void rotate() {
		this.transactions.executeWithoutResult((status) -> {
			this.repository.lockForKeyManagement();
			Instant now = this.clock.instant();
			this.repository.findByState(SigningKey.State.ACTIVE).ifPresent((active) -> this.repository.retire(active.kid(), now));
			SigningKey next = this.repository.findByState(SigningKey.State.NEXT)
				.orElseGet(() -> {
					SigningKey generated = generate(SigningKey.State.NEXT, now);
					this.repository.insert(generated);
					return generated;
				});
			this.repository.activate(next.kid(), now);
			this.repository.insert(generate(SigningKey.State.NEXT, now));
			this.repository.deleteRetiredBefore(now.minus(this.retiredRetention));
		});
		this.snapshot = load();
		logger.info("Rotated the signing keys");
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
		if (current == null || current.loadedAt().plus(CACHE_TTL).isBefore(this.clock.instant())) {
			current = load();
			this.snapshot = current;
		}
		return current;
	}

	private Snapshot load() {
		List<JWK> published = new ArrayList<>();
		RSAKey active = null;
		for (SigningKey key : this.repository.findAll()) {
			RSAKey publicKey = parsePublic(key);
			published.add(publicKey);
			if (key.state() == SigningKey.State.ACTIVE) {
				active = withPrivatePart(publicKey, key);
			}
		}
		if (active == null) {
			throw new IllegalStateException("No active signing key in the database");
		}
		return new Snapshot(active, new JWKSet(published), this.clock.instant());
	}

	private void verifyMasterKey() {
		Optional<byte[]> check = this.repository.findMasterKeyCheck();
		if (check.isEmpty()) {
			this.repository.insertMasterKeyCheck(this.masterKey.seal(new byte[] { 1 }, CHECK_PURPOSE));
			return;
		}
		try {
			this.masterKey.open(check.get(), CHECK_PURPOSE);
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
			byte[] sealed = this.masterKey.seal(pair.getPrivate().getEncoded(), PRIVATE_KEY_PURPOSE + publicJwk.getKeyID());
			return new SigningKey(publicJwk.getKeyID(), "RS256", state, publicJwk.toJSONString(), sealed, now,
					(state == SigningKey.State.ACTIVE) ? now : null, null);
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

	private record Snapshot(RSAKey active, JWKSet published, Instant loadedAt) {
	}

}
