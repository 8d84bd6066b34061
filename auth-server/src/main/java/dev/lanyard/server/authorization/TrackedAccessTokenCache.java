package dev.lanyard.server.authorization;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared token cache in Redis with a copy of what this node read from it kept in the
 * node, which Redis itself keeps exact: server-assisted client-side caching
 * ({@code CLIENT
 * TRACKING}, RESP3). The node reads the cache over one tracking connection; Redis
 * remembers the keys it read and pushes, on that connection, the name of each one that
 * changes afterwards, whoever changed it (a revocation on another node, a refresh, an
 * expiry), and the node drops its copy. Introspection and token exchange of a token seen
 * before then cost no Redis round trip, and a token nobody looked up costs no push.
 * <p>
 * The copy is believed only while that is known to work:
 * <ul>
 * <li>the tracking connection is up and tracking: when it drops the copy is cleared (the
 * pushes sent meanwhile are lost), and nothing is believed until tracking is on again on
 * a new connection;</li>
 * <li>it was heard recently: a {@code PING} goes out every {@value #PING_INTERVAL_MILLIS}
 * ms, and its answer proves that every push sent before it has arrived (one connection
 * keeps order). The copy is believed only while the last answered {@code PING} was sent
 * less than {@value #HEARD_WITHIN_MILLIS} ms ago, so a connection that stalls without
 * closing delays a change by at most that;</li>
 * <li>no change of the key was pushed while it was being read: a read that races with a
 * push for its key (one of {@value #STRIPES} stripes) or with a loss of tracking is not
 * kept.</li>
 * </ul>
 * So a change made on another node reaches this node's answers when its push arrives, and
 * at most {@value #HEARD_WITHIN_MILLIS} ms after Redis took it, which may be after the
 * node that made the change has answered: Redis sends the push at the latest with its
 * answer to that node, but nothing makes this node read it before it serves a request
 * that came in meanwhile (a busy node, a network that delays one connection). RFC 7009
 * §2.1 allows such a propagation delay and asks to keep it short; reading Redis on every
 * lookup would close it at the cost the copy saves.
 * <p>
 * While the copy is not believed, lookups go to the shared cache as without tracking.
 * Writes go to the shared cache (the version rule stays Redis's) and drop this node's
 * copy at once. {@link CachedAccessTokens} applies its own trust rule on top. Redis
 * Cluster spreads keys over several servers that one connection cannot all track: there
 * the node reads Redis on every lookup ({@link RedisAccessTokenCache} alone).
 * Thread-safe.
 */
public final class TrackedAccessTokenCache implements AccessTokenCache, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(TrackedAccessTokenCache.class);

	static final long PING_INTERVAL_MILLIS = 100;

	/**
	 * The copy is believed only while the last answered {@code PING} was sent less than
	 * this long ago: the most a change made elsewhere can take to reach this node's
	 * answers.
	 */
	public static final long HEARD_WITHIN_MILLIS = 500;

	/** A stalled connection is given up after this long without an answer. */
	private static final long GIVE_UP_AFTER_MILLIS = 3_000;

	private static final int STRIPES = 1024;

	/** Rows are about 1 KB: a few thousand tokens, bounded by size. */
	private static final long LIMIT_CHARS = 8L * 1024 * 1024;

	private final AccessTokenCache shared;

	private final String keyPrefix;

	private final Supplier<StatefulRedisConnection<String, String>> connect;

	private final Cache<String, Entry> local;

	/** Bumped by a push for any key of the stripe. */
	private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);

	/** Bumped whenever tracking starts or is lost. */
	private final AtomicLong generation = new AtomicLong();

	private final Object trackingLock = new Object();

	private final LongAdder servedFromCopy = new LongAdder();

	private final Thread watch;

	/** Runs when the tracking connection is lost (see the constructor). */
	private final Runnable trackingLost;

	private volatile Tracking tracking;

	/** {@link System#nanoTime()} at which the last answered {@code PING} was sent. */
	private volatile long heardUpTo;

	private volatile boolean closed;

	/** Runs after each read on the tracking connection; tests hold a read there. */
	volatile Runnable afterTrackedRead = () -> {
	};

	/**
	 * @param shared the Redis cache
	 * @param keyPrefix the prefix of its keys, followed by the token hash
	 * @param connect opens a new connection to the Redis server holding those keys
	 * @param kept how long a copy is kept at most
	 */
	public TrackedAccessTokenCache(AccessTokenCache shared, String keyPrefix,
			Supplier<StatefulRedisConnection<String, String>> connect, Duration kept) {
		this(shared, keyPrefix, connect, kept, () -> {
		});
	}

	/**
	 * @param shared the Redis cache
	 * @param keyPrefix the prefix of its keys, followed by the token hash
	 * @param connect opens a new connection to the Redis server holding those keys
	 * @param kept how long a copy is kept at most
	 * @param trackingLost runs (on the watching thread) when the tracking connection is
	 * lost: Redis restarted, or failed over to a replica, which may lack the last writes
	 * the old primary acknowledged (replication is asynchronous)
	 */
	public TrackedAccessTokenCache(AccessTokenCache shared, String keyPrefix,
			Supplier<StatefulRedisConnection<String, String>> connect, Duration kept, Runnable trackingLost) {
		this.trackingLost = trackingLost;
		this.shared = shared;
		this.keyPrefix = keyPrefix;
		this.connect = connect;
		this.local = Caffeine.newBuilder()
			.maximumWeight(LIMIT_CHARS)
			.weigher((String hash, Entry entry) -> 64 + ((entry.row() != null) ? entry.row().length() : 0))
			.expireAfterWrite(kept)
			.build();
		this.watch = new Thread(this::watch, "lanyard-token-cache-tracking");
		this.watch.setDaemon(true);
		this.watch.start();
	}

	@Override
	public Optional<Entry> get(String tokenHash) {
		long before = this.generation.get();
		boolean believed = believed();
		if (believed) {
			Entry copy = this.local.getIfPresent(tokenHash);
			if (copy != null) {
				this.servedFromCopy.increment();
				return Optional.of(copy);
			}
		}
		Tracking current = this.tracking;
		if (!believed || current == null) {
			return this.shared.get(tokenHash);
		}
		int stripe = stripe(tokenHash);
		long stamp = this.stripes.get(stripe);
		Optional<Entry> read;
		try {
			read = RedisAccessTokenCache.parse(current.connection.async()
				.get(this.keyPrefix + tokenHash)
				.get(HEARD_WITHIN_MILLIS * 2, TimeUnit.MILLISECONDS));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			return this.shared.get(tokenHash);
		}
		this.afterTrackedRead.run();
		if (read.isPresent() && this.generation.get() == before) {
			this.local.put(tokenHash, read.get());
			// Kept only if no push for this stripe and no loss of tracking came between
			// the read and now; the push handlers count first and drop second, so one of
			// the two sides always sees the other.
			if (this.stripes.get(stripe) != stamp || this.generation.get() != before) {
				this.local.asMap().remove(tokenHash, read.get());
			}
		}
		return read;
	}

	@Override
	public boolean putIfNewer(String tokenHash, Entry entry, Duration ttl) {
		try {
			return this.shared.putIfNewer(tokenHash, entry, ttl);
		}
		finally {
			changed(tokenHash);
		}
	}

	@Override
	public boolean putIfAbsent(String tokenHash, Entry entry, Duration ttl) {
		try {
			return this.shared.putIfAbsent(tokenHash, entry, ttl);
		}
		finally {
			changed(tokenHash);
		}
	}

	/** Lookups this node answered from its copy, since it started. */
	long servedFromCopy() {
		return this.servedFromCopy.sum();
	}

	/** Whether this node's copy may be believed now. */
	boolean believed() {
		return this.tracking != null
				&& System.nanoTime() - this.heardUpTo < TimeUnit.MILLISECONDS.toNanos(HEARD_WITHIN_MILLIS);
	}

	private void changed(String tokenHash) {
		this.stripes.incrementAndGet(stripe(tokenHash));
		this.local.invalidate(tokenHash);
	}

	private static int stripe(String tokenHash) {
		return Math.floorMod(tokenHash.hashCode(), STRIPES);
	}

	/** Keeps a tracking connection open, and pings it. */
	private void watch() {
		long lastAnswer = System.nanoTime();
		boolean warned = false;
		while (!this.closed) {
			Tracking current = this.tracking;
			try {
				if (current == null) {
					startTracking();
					lastAnswer = System.nanoTime();
					warned = false;
				}
				else {
					long sent = System.nanoTime();
					current.connection.async().ping().get(HEARD_WITHIN_MILLIS, TimeUnit.MILLISECONDS);
					this.heardUpTo = sent;
					lastAnswer = System.nanoTime();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				if (current == null && !warned) {
					logger.warn("Token cache tracking unavailable, reading Redis for every lookup: {}",
							ex.getMessage());
					warned = true;
				}
				else if (current != null
						&& System.nanoTime() - lastAnswer > TimeUnit.MILLISECONDS.toNanos(GIVE_UP_AFTER_MILLIS)) {
					logger.warn("Token cache tracking connection silent for {} ms, reconnecting", GIVE_UP_AFTER_MILLIS);
					lost(current);
				}
			}
			try {
				// Redis unreachable: try again within a second.
				Thread.sleep((this.tracking != null) ? PING_INTERVAL_MILLIS : 1_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void startTracking() {
		StatefulRedisConnection<String, String> connection = this.connect.get();
		Tracking candidate = new Tracking(connection);
		try {
			connection.addListener((PushListener) candidate);
			connection.addListener((RedisConnectionStateListener) candidate);
			// Pushes come on the same connection only with RESP3: on RESP2 Redis accepts
			// CLIENT TRACKING and drops every invalidation (no REDIRECT here), so a
			// connection that fell back to RESP2 (a proxy refusing HELLO, a configured
			// protocol) must never be believed.
			if (!(connection instanceof StatefulRedisConnectionImpl<?, ?> negotiated)
					|| negotiated.getConnectionState().getNegotiatedProtocolVersion() != ProtocolVersion.RESP3) {
				throw new IllegalStateException("the Redis connection does not speak RESP3 (Redis 6 or later)");
			}
			long sent = System.nanoTime();
			// RESP3 pushes arrive on this connection, in order with its answers, for the
			// keys it read.
			connection.sync().clientTracking(TrackingArgs.Builder.enabled());
			synchronized (this.trackingLock) {
				if (candidate.lost || this.closed) {
					if (!candidate.lost) {
						candidate.lost = true;
						connection.closeAsync();
					}
					return;
				}
				this.heardUpTo = sent;
				this.generation.incrementAndGet();
				this.tracking = candidate;
			}
			logger.info("Token cache tracking on: this node keeps a copy of the token cache, Redis pushes changes");
		}
		catch (RuntimeException ex) {
			connection.closeAsync();
			throw ex;
		}
	}

	/** The connection dropped or went silent: pushes may have been lost. */
	private void lost(Tracking lost) {
		boolean wasTracking;
		boolean wasLost;
		synchronized (this.trackingLock) {
			wasLost = lost.lost;
			lost.lost = true;
			wasTracking = this.tracking == lost;
			if (wasTracking) {
				this.tracking = null;
				this.generation.incrementAndGet();
			}
		}
		if (wasTracking) {
			this.local.invalidateAll();
			if (!this.closed) {
				logger.warn("Token cache tracking lost: reading Redis for every lookup until it is back");
				try {
					this.trackingLost.run();
				}
				catch (RuntimeException ex) {
					logger.warn("Could not ask for the recent revocations to be written to the token cache again: {}",
							ex.getMessage());
				}
			}
		}
		if (!wasLost) {
			lost.connection.closeAsync();
		}
	}

	private void flushed() {
		this.generation.incrementAndGet();
		this.local.invalidateAll();
	}

	@Override
	public void close() {
		this.closed = true;
		this.watch.interrupt();
		Tracking current = this.tracking;
		if (current != null) {
			lost(current);
		}
	}

	/** One tracking connection: its pushes, and its end. */
	private final class Tracking implements PushListener, RedisConnectionStateListener {

		private final StatefulRedisConnection<String, String> connection;

		private volatile boolean lost;

		Tracking(StatefulRedisConnection<String, String> connection) {
			this.connection = connection;
		}

		@Override
		public void onPushMessage(PushMessage message) {
			if (!"invalidate".equals(message.getType())) {
				return;
			}
			List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
			if (content.size() < 2 || !(content.get(1) instanceof List<?> keys)) {
				// No keys: the database was flushed.
				flushed();
				return;
			}
			for (Object key : keys) {
				if (key instanceof String name && name.startsWith(TrackedAccessTokenCache.this.keyPrefix)) {
					changed(name.substring(TrackedAccessTokenCache.this.keyPrefix.length()));
				}
			}
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> channel) {
			lost(this);
		}

	}

}
