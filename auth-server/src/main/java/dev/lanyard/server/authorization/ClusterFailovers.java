package dev.lanyard.server.authorization;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.resource.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.lettuce.core.event.Event;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Follows a Redis Cluster's failovers for the token cache: a cluster promotes a replica
 * when its primary fails, and the replica may lack the last writes the primary had
 * acknowledged (replication is asynchronous), among them revocations, which it would
 * answer as active tokens from the entries it had until they expire. When the client's
 * view of the cluster (Lettuce's topology refresh) shows a node that became a primary,
 * {@code onPromotion} runs: the revocations of an entry's lifetime are written to the
 * cache again ({@link RevocationOutbox#reapplyToCacheWithin}), and until they are, no
 * cached entry is believed ({@link CachedAccessTokens}). A single server or a Sentinel
 * primary is followed through the token cache's own connection instead
 * ({@link TrackedAccessTokenCache}). Thread-safe.
 */
final class ClusterFailovers implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ClusterFailovers.class);

	private final Disposable subscription;

	private ClusterFailovers(Disposable subscription) {
		this.subscription = subscription;
	}

	/** Nothing to follow: not on Redis Cluster. */
	static ClusterFailovers none() {
		return new ClusterFailovers(Disposables.disposed());
	}

	/**
	 * Follows the cluster the client with these resources talks to.
	 * @param onPromotion what to do when a node became a primary
	 */
	static ClusterFailovers follow(ClientResources resources, Runnable onPromotion) {
		// Off Lettuce's own threads (the database may be slow to answer), one at a time,
		// and tried again for five minutes while PostgreSQL cannot take it.
		return new ClusterFailovers(resources.eventBus()
			.get()
			.filter(ClusterFailovers::promotesANode)
			.publishOn(Schedulers.boundedElastic())
			.concatMap((event) -> Mono.fromRunnable(onPromotion)
				.doOnSuccess((done) -> logger.info(
						"Redis Cluster: a replica became a primary; the recent revocations go to the token cache again"))
				.retryWhen(Retry.fixedDelay(60, Duration.ofSeconds(5))
					.doBeforeRetry((retry) -> logger.warn(
							"Redis Cluster: a replica became a primary, and the recent revocations could not be "
									+ "marked to go to the token cache again ({}); trying again in 5 s",
							retry.failure().getMessage())))
				.onErrorResume((ex) -> {
					logger.error("Redis Cluster: gave up marking the recent revocations to go to the token cache "
							+ "again after a failover: {}", ex.getMessage());
					return Mono.empty();
				}))
			.subscribe(null,
					(ex) -> logger.error("Redis Cluster: failovers are no longer followed: {}", ex.getMessage())));
	}

	/**
	 * Whether the event is a change of the cluster's view in which a node serves as a
	 * primary that did not before.
	 */
	static boolean promotesANode(Event event) {
		if (!(event instanceof ClusterTopologyChangedEvent change)) {
			return false;
		}
		try {
			return promotes(change);
		}
		catch (RuntimeException ex) {
			// A view this cannot read: taken as a promotion (writing the revocations
			// again costs little), and the subscription goes on.
			logger.warn("Redis Cluster: could not read a change of the cluster's view: {}", ex.getMessage());
			return true;
		}
	}

	private static boolean promotes(ClusterTopologyChangedEvent event) {
		Set<String> before = event.before()
			.stream()
			.filter(ClusterFailovers::primary)
			.map(RedisClusterNode::getNodeId)
			.collect(Collectors.toSet());
		return event.after().stream().anyMatch((node) -> primary(node) && !before.contains(node.getNodeId()));
	}

	@SuppressWarnings("deprecation")
	private static boolean primary(RedisClusterNode node) {
		return node.is(NodeFlag.UPSTREAM) || node.is(NodeFlag.MASTER);
	}

	@Override
	public void close() {
		this.subscription.dispose();
	}

}
