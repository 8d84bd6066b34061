package dev.lanyard.server.exchange;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import dev.lanyard.server.authorization.CachedAccessTokens;
import dev.lanyard.server.authorization.OutboxGaps;
import dev.lanyard.server.authorization.RevocationOutbox;
import dev.lanyard.server.authorization.RevocationsRecordedEvent;
import dev.lanyard.server.storage.BackendBreakers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The revocation channel: relays the revocations recorded in the {@link RevocationOutbox}
 * to every node's token cache and to gateways, which listen on the Redis channel
 * {@code <prefix>revocations} and drop the JWTs they cached for those tokens at once.
 * <p>
 * Every node runs the relay, right after a revocation commits and twice a second, so a
 * revocation made while Redis is down, or on a node cut off from Redis, goes out as soon
 * as any node can reach Redis; none is lost (issue 9, items 6 and 7). A relay pass:
 * <ol>
 * <li>forgets, on this node, the internal JWTs issued for every revoked token it has not
 * seen yet;</li>
 * <li>takes the rows no node has relayed yet (rows another node is relaying are skipped),
 * writes the revocation into the token cache where the revoking node could not, and
 * publishes the message;</li>
 * <li>believes positive token-cache entries only while no revocation is missing from the
 * cache.</li>
 * </ol>
 * Message (JSON, {@link RevocationOutbox.Revocation#message}):
 * {@code {"token_hashes":["…"],"session_ids":["…"],"reason":"logout"}}, with
 * {@code "kid"} and {@code "drop_all":true} added when a signing key was withdrawn,
 * hashes being unpadded base64url SHA-256 of the opaque token, at most
 * {@value RevocationOutbox#MAXIMUM_PER_MESSAGE} of each. Without Redis there is nothing
 * to publish, and the one node's caches are told directly.
 * <p>
 * A pass that leaves nothing unrelayed also publishes, at most once a second, a heartbeat
 * ({@value #HEARTBEAT}) on the same channel: a gateway that hears it knows a Lanyard node
 * can read the outbox and publish where the gateway listens. A gateway's own connection
 * to Redis proves neither: Lanyard's nodes may have lost Redis (revocations then wait in
 * the outbox) or publish to another Redis, database or key prefix; gateways stop trusting
 * their caches when the heartbeat falls silent.
 */
public final class RevocationChannel {

	private static final Logger logger = LoggerFactory.getLogger(RevocationChannel.class);

	private static final int BATCH = 100;

	/** The heartbeat message: no revocation in it, so older gateways ignore it. */
	public static final String HEARTBEAT = "{\"heartbeat\":true}";

	private static final long HEARTBEAT_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

	/** When this node last published a heartbeat (System.nanoTime), or 0. */
	private long lastHeartbeat;

	private final RevocationOutbox outbox;

	private final CachedAccessTokens cachedTokens;

	private final ExchangedTokenCache exchangedTokens;

	private final TransactionTemplate transactions;

	private final StringRedisTemplate redis;

	private final String channel;

	private final JsonMapper json = JsonMapper.builder().build();

	private final ReentrantLock relaying = new ReentrantLock();

	/** Revocations this node's last pass could not relay (PostgreSQL or Redis out). */
	private final AtomicInteger unrelayed = new AtomicInteger();

	/** The newest outbox row this node has applied locally; -1 before the first pass. */
	private long lastSeen = -1;

	/** Ids below {@link #lastSeen} whose rows may still commit. */
	private final OutboxGaps gaps = new OutboxGaps();

	/**
	 * @param redis the Redis to publish on; {@code null} without Redis
	 * @param channel the channel name
	 */
	public RevocationChannel(RevocationOutbox outbox, CachedAccessTokens cachedTokens,
			ExchangedTokenCache exchangedTokens, TransactionTemplate transactions, StringRedisTemplate redis,
			String channel) {
		this.outbox = outbox;
		this.cachedTokens = cachedTokens;
		this.exchangedTokens = exchangedTokens;
		this.transactions = transactions;
		this.redis = redis;
		this.channel = channel;
	}

	public String channel() {
		return this.channel;
	}

	/**
	 * Relays at once what a transaction recorded, once it has committed: a listener told
	 * earlier could exchange the token again before the revoked row is visible.
	 */
	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	public void onRecorded(RevocationsRecordedEvent event) {
		relay();
	}

	/**
	 * One relay pass (see the class description); also every half second on every node.
	 */
	@Scheduled(fixedDelayString = "PT0.5S", initialDelayString = "PT0.5S")
	public void relay() {
		if (!this.relaying.tryLock()) {
			return;
		}
		try {
			forgetLocally();
			int[] pass = { 0, 0 };
			do {
				relayBatch(pass);
			}
			while (pass[0] == BATCH && pass[1] == 0);
			this.unrelayed.set(pass[1]);
			this.cachedTokens.trust(!this.outbox.cacheBehind());
			if (pass[1] == 0) {
				heartbeat();
			}
		}
		catch (RuntimeException ex) {
			// PostgreSQL unavailable: the next pass catches up.
			logger.debug("Revocation relay pass failed: {}", ex.getMessage());
		}
		finally {
			this.relaying.unlock();
		}
	}

	/**
	 * Drops this node's exchanged JWTs (and, without Redis, its cached tokens) for
	 * revocations recorded since the last pass.
	 */
	private void forgetLocally() {
		if (this.lastSeen < 0) {
			// Nothing was exchanged on this node before it started.
			this.lastSeen = this.outbox.lastId();
			return;
		}
		List<RevocationOutbox.Revocation> unseen;
		do {
			unseen = this.outbox.after(this.lastSeen, 1000);
			for (RevocationOutbox.Revocation revocation : unseen) {
				this.gaps.skipped(this.lastSeen, revocation.id());
				forget(revocation);
				this.lastSeen = revocation.id();
			}
		}
		while (unseen.size() == 1000);
		// Rows that committed after newer ones: this node moved past their ids.
		this.gaps.lateCommits(this.outbox).forEach(this::forget);
	}

	private void forget(RevocationOutbox.Revocation revocation) {
		this.exchangedTokens.evict(revocation.tokenHashes());
		if (this.redis == null) {
			// Without Redis the token cache is this node's own: a revocation made on
			// another node (the README asks for Redis then, but nothing stops a second
			// node) reaches it here, or the node would answer a revoked token as active
			// until its entry expired.
			this.cachedTokens.invalidate(revocation.tokenHashes());
		}
	}

	/**
	 * @param pass {rows claimed, rows left unrelayed}, overwritten by this batch
	 */
	private void relayBatch(int[] pass) {
		pass[0] = 0;
		pass[1] = 0;
		this.transactions.executeWithoutResult((status) -> {
			List<RevocationOutbox.Revocation> pending = this.outbox.claimPending(BATCH);
			for (RevocationOutbox.Revocation revocation : pending) {
				boolean cacheApplied = revocation.cacheApplied()
						|| this.cachedTokens.invalidate(revocation.tokenHashes());
				boolean published = revocation.published() || publish(revocation);
				this.outbox.relayed(revocation.id(), cacheApplied, published);
				if (!cacheApplied || !published) {
					pass[1]++;
				}
			}
			pass[0] = pending.size();
		});
	}

	/** Says, at most once a second, that everything recorded has been published. */
	private void heartbeat() {
		long now = System.nanoTime();
		if (this.redis == null || (this.lastHeartbeat != 0 && now - this.lastHeartbeat < HEARTBEAT_INTERVAL_NANOS)) {
			return;
		}
		try {
			this.redis.convertAndSend(this.channel, HEARTBEAT);
			this.lastHeartbeat = now;
		}
		catch (RuntimeException ex) {
			// Redis unreachable: gateways notice the silence.
			logger.debug("Could not publish the revocation heartbeat: {}", ex.getMessage());
		}
	}

	/**
	 * How many revocations this node's last relay pass left for later (not yet in the
	 * token cache or not yet published): above zero for long, gateways are not being
	 * told.
	 */
	public int unrelayed() {
		return this.unrelayed.get();
	}

	/**
	 * @return whether gateways were told (trivially, without Redis: there are none to
	 * tell)
	 */
	private boolean publish(RevocationOutbox.Revocation revocation) {
		if (this.redis == null) {
			return true;
		}
		try {
			this.redis.convertAndSend(this.channel, this.json.writeValueAsString(revocation.message()));
			return true;
		}
		catch (RuntimeException ex) {
			// Kept in the outbox: published by the first pass that reaches Redis.
			BackendBreakers.logFailure(logger, "Could not publish a revocation on " + this.channel, ex);
			return false;
		}
	}

}
