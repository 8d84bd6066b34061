package dev.lanyard.server.authorization;

import java.util.Set;
import java.util.stream.Collectors;

import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.resource.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;

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
		return new ClusterFailovers(resources.eventBus()
			.get()
			.filter(ClusterTopologyChangedEvent.class::isInstance)
			.map(ClusterTopologyChangedEvent.class::cast)
			.filter(ClusterFailovers::promotesANode)
			.subscribe((event) -> {
				try {
					onPromotion.run();
					logger.info("Redis Cluster: a replica became a primary; the recent revocations go to the "
							+ "token cache again");
				}
				catch (RuntimeException ex) {
					logger.warn("Redis Cluster: a replica became a primary, and the recent revocations could not be "
							+ "marked to go to the token cache again: {}", ex.getMessage());
				}
			}));
	}

	/** Whether a node serves as a primary after the change that did not before. */
	static boolean promotesANode(ClusterTopologyChangedEvent event) {
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
