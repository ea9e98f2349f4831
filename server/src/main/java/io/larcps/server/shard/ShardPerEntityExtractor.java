package io.larcps.server.shard;

import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Gives every parameter shard its own Cluster Sharding shard, so the allocation strategy spreads them
 * across ps nodes one by one instead of hashing several onto the same node.
 */
public final class ShardPerEntityExtractor<M> extends ShardingMessageExtractor<ShardingEnvelope<M>, M> {

    @Override
    public String entityId(ShardingEnvelope<M> envelope) {
        return envelope.entityId();
    }

    @Override
    public String shardId(String entityId) {
        return entityId;
    }

    @Override
    public M unwrapMessage(ShardingEnvelope<M> envelope) {
        return envelope.message();
    }
}
