package io.larcps.server.shard;

import io.larcps.proto.data.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which shard entities this node hosts, so the data plane can hand a frame straight to its owner
 * without routing tensors through Cluster Sharding (which could send them over Artery). One per node,
 * written by the shard actors as they start and stop, read by Netty threads.
 *
 * @param <R> the shard's message recipient (an ActorRef in production)
 */
public final class ShardDirectory<R> {

    /** The result of a lookup: the owner, or why there is none. */
    public sealed interface Route<R> {
        record Found<R>(R owner) implements Route<R> {
        }

        record Missing<R>(ErrorCode code, String message) implements Route<R> {
        }
    }

    private record Hosted<R>(R owner, List<Integer> tensorIds) {
    }

    /** Per job: shard index to the hosted entity, and tensor id to shard index. */
    private final Map<String, Map<Integer, Hosted<R>>> shardsByJob = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, Integer>> shardOfTensorByJob = new ConcurrentHashMap<>();

    public void register(String jobId, int shard, List<Integer> tensorIds, R owner) {
        shardsByJob.computeIfAbsent(jobId, j -> new ConcurrentHashMap<>()).put(shard, new Hosted<>(owner, List.copyOf(tensorIds)));
        Map<Integer, Integer> tensors = shardOfTensorByJob.computeIfAbsent(jobId, j -> new ConcurrentHashMap<>());
        tensorIds.forEach(id -> tensors.put(id, shard));
    }

    public void unregister(String jobId, int shard, R owner) {
        Map<Integer, Hosted<R>> shards = shardsByJob.get(jobId);
        if (shards == null) {
            return;
        }
        Hosted<R> hosted = shards.get(shard);
        if (hosted != null && hosted.owner().equals(owner)) {
            shards.remove(shard);
            Map<Integer, Integer> tensors = shardOfTensorByJob.get(jobId);
            hosted.tensorIds().forEach(id -> tensors.remove(id, shard));
        }
    }

    public Route<R> byTensor(String jobId, int tensorId) {
        Map<Integer, Integer> tensors = shardOfTensorByJob.get(jobId);
        if (tensors == null || shardsByJob.getOrDefault(jobId, Map.of()).isEmpty()) {
            return unknownJob(jobId);
        }
        Integer shard = tensors.get(tensorId);
        if (shard == null) {
            return new Route.Missing<>(ErrorCode.UNKNOWN_TENSOR, "tensor " + tensorId + " of job " + jobId
                    + " is not owned by a shard on this node");
        }
        return byShard(jobId, shard);
    }

    public Route<R> byShard(String jobId, int shard) {
        Map<Integer, Hosted<R>> shards = shardsByJob.get(jobId);
        if (shards == null || shards.isEmpty()) {
            return unknownJob(jobId);
        }
        Hosted<R> hosted = shards.get(shard);
        if (hosted == null) {
            return new Route.Missing<>(ErrorCode.UNKNOWN_SHARD, "shard " + shard + " of job " + jobId
                    + " is not hosted on this node (it may have moved)");
        }
        return new Route.Found<>(hosted.owner());
    }

    private static <R> Route<R> unknownJob(String jobId) {
        return new Route.Missing<>(ErrorCode.UNKNOWN_JOB, "job '" + jobId + "' has no shard on this node");
    }
}
