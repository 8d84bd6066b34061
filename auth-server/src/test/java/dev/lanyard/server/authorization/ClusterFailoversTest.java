package dev.lanyard.server.authorization;

import java.util.List;
import java.util.Set;

import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which changes of a Redis Cluster's view count as a failover ({@link ClusterFailovers}).
 */
class ClusterFailoversTest {

	@Test
	void promotesANodeWhenAReplicaBecameAPrimaryThenTrueElseFalse() {
		List<RedisClusterNode> before = List.of(node("a", NodeFlag.UPSTREAM), node("b", NodeFlag.REPLICA));
		assertThat(ClusterFailovers.promotesANode(new ClusterTopologyChangedEvent(before,
				List.of(node("a", NodeFlag.UPSTREAM, NodeFlag.FAIL), node("b", NodeFlag.UPSTREAM)))))
			.isTrue();
		assertThat(ClusterFailovers.promotesANode(new ClusterTopologyChangedEvent(before,
				List.of(node("a", NodeFlag.UPSTREAM), node("b", NodeFlag.REPLICA), node("c", NodeFlag.REPLICA)))))
			.as("a replica added")
			.isFalse();
		assertThat(ClusterFailovers.promotesANode(new ClusterTopologyChangedEvent(before,
				List.of(node("a", NodeFlag.UPSTREAM), node("b", NodeFlag.REPLICA, NodeFlag.FAIL)))))
			.as("a replica failed")
			.isFalse();
		assertThat(ClusterFailovers.promotesANode(new io.lettuce.core.event.Event() {
		})).as("another event").isFalse();
	}

	private static RedisClusterNode node(String id, NodeFlag... flags) {
		RedisClusterNode node = new RedisClusterNode();
		node.setNodeId(id);
		node.setFlags(Set.of(flags));
		return node;
	}

}
