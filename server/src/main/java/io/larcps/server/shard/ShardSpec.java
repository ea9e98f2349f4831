package io.larcps.server.shard;

import io.larcps.proto.control.TensorSpec;
import io.larcps.server.optim.OptimizerSettings;
import java.util.List;

/**
 * What one shard of a job owns and how it optimizes it; sent by the coordinator.
 *
 * @param tensorIds the ids (positions in the job's layout) of the tensors this shard owns, ascending
 * @param tensors their specs, in the same order
 * @param asynchronous apply each worker's contribution on arrival instead of waiting for a whole step
 */
public record ShardSpec(String jobId, int shard, List<Integer> tensorIds, List<TensorSpec> tensors,
        OptimizerSettings optimizer, boolean asynchronous) {

    public ShardSpec {
        if (tensorIds.size() != tensors.size()) {
            throw new IllegalArgumentException(tensorIds.size() + " tensor ids for " + tensors.size() + " specs");
        }
        tensorIds = List.copyOf(tensorIds);
        tensors = List.copyOf(tensors);
    }

    /** The entity id of this shard in Cluster Sharding. */
    public String entityId() {
        return entityId(jobId, shard);
    }

    public static String entityId(String jobId, int shard) {
        return jobId + "/" + shard;
    }
}
