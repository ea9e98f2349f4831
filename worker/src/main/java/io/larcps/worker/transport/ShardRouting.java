package io.larcps.worker.transport;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.ShardAssignment;
import io.larcps.proto.control.ShardEndpoint;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Which shard owns each tensor, how many elements each tensor has and where each shard listens:
 * everything the data-plane client needs to cut, address and check frames. Immutable; built once
 * per {@link ShardAssignment} so a moved shard means a new routing (and a new client).
 */
public final class ShardRouting {

    private final String[] tensorNames;
    private final int[] elementCounts;
    private final int[] shardOfTensor;
    private final Endpoint[] endpointOfShard;
    private final List<Endpoint> endpoints;

    private ShardRouting(String[] tensorNames, int[] elementCounts, int[] shardOfTensor, Endpoint[] endpointOfShard) {
        this.tensorNames = tensorNames;
        this.elementCounts = elementCounts;
        this.shardOfTensor = shardOfTensor;
        this.endpointOfShard = endpointOfShard;
        this.endpoints = List.copyOf(new LinkedHashSet<>(Arrays.asList(endpointOfShard)));
    }

    /**
     * Checks that {@code assignment} places every tensor of {@code layout} on a shard that has exactly
     * one endpoint, so no frame can later be cut for a tensor or sent to a shard nobody listens for.
     *
     * @throws IllegalArgumentException naming the first inconsistency; also for tensors that are not
     *     FLOAT32 (the client carries {@code float[]} tensors) or too large for a Java array
     */
    public static ShardRouting of(ShardAssignment assignment, TensorLayout layout) {
        int shardCount = assignment.getShardCount();
        if (shardCount < 1) {
            throw new IllegalArgumentException("shard_count is " + shardCount + ", need at least one shard");
        }
        int tensorCount = layout.getTensorsCount();
        if (assignment.getShardOfTensorCount() != tensorCount) {
            throw new IllegalArgumentException("shard_of_tensor has " + assignment.getShardOfTensorCount()
                    + " entries but the layout has " + tensorCount + " tensors");
        }
        String[] names = new String[tensorCount];
        int[] elements = new int[tensorCount];
        int[] shards = new int[tensorCount];
        for (int i = 0; i < tensorCount; i++) {
            TensorSpec spec = layout.getTensors(i);
            names[i] = spec.getName();
            elements[i] = elementCount(i, spec);
            shards[i] = assignment.getShardOfTensor(i);
            if (shards[i] < 0 || shards[i] >= shardCount) {
                throw new IllegalArgumentException("tensor " + i + " (" + spec.getName() + ") is assigned to shard "
                        + shards[i] + ", outside [0, " + shardCount + ")");
            }
        }
        return new ShardRouting(names, elements, shards, endpointsByShard(assignment, shardCount));
    }

    private static int elementCount(int tensorId, TensorSpec spec) {
        if (spec.getDtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("tensor " + tensorId + " (" + spec.getName() + ") has dtype "
                    + spec.getDtype() + "; this client carries FLOAT32 tensors only");
        }
        long count = 1;
        for (long dim : spec.getShapeList()) {
            if (dim < 0) {
                throw new IllegalArgumentException("tensor " + tensorId + " (" + spec.getName()
                        + ") has a negative dimension in shape " + spec.getShapeList());
            }
            count = Math.multiplyExact(count, dim);
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor " + tensorId + " (" + spec.getName() + ") of shape "
                        + spec.getShapeList() + " has more elements than a Java array can hold");
            }
        }
        return (int) count;
    }

    private static Endpoint[] endpointsByShard(ShardAssignment assignment, int shardCount) {
        Endpoint[] byShard = new Endpoint[shardCount];
        for (ShardEndpoint endpoint : assignment.getEndpointsList()) {
            int shard = endpoint.getShard();
            if (shard < 0 || shard >= shardCount) {
                throw new IllegalArgumentException("endpoint " + endpoint.getHost() + ":" + endpoint.getPort()
                        + " is for shard " + shard + ", outside [0, " + shardCount + ")");
            }
            if (byShard[shard] != null) {
                throw new IllegalArgumentException("shard " + shard + " has two endpoints: " + byShard[shard]
                        + " and " + endpoint.getHost() + ":" + endpoint.getPort());
            }
            byShard[shard] = new Endpoint(endpoint.getHost(), endpoint.getPort());
        }
        for (int shard = 0; shard < shardCount; shard++) {
            if (byShard[shard] == null) {
                throw new IllegalArgumentException("shard " + shard + " has no endpoint");
            }
        }
        return byShard;
    }

    public int tensorCount() {
        return elementCounts.length;
    }

    public int shardCount() {
        return endpointOfShard.length;
    }

    /** Elements of tensor {@code tensorId}; a tensor of shape [] holds one. */
    public int elementCount(int tensorId) {
        return elementCounts[tensorId];
    }

    public String tensorName(int tensorId) {
        return tensorNames[tensorId];
    }

    public int shardOf(int tensorId) {
        return shardOfTensor[tensorId];
    }

    public Endpoint endpointOf(int shard) {
        return endpointOfShard[shard];
    }

    /** The distinct endpoints, in the order of their lowest shard: one connection each. */
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    /** The shards that listen at {@code endpoint}, ascending; empty for an endpoint not in this routing. */
    public List<Integer> shardsAt(Endpoint endpoint) {
        List<Integer> shards = new ArrayList<>();
        for (int shard = 0; shard < endpointOfShard.length; shard++) {
            if (endpointOfShard[shard].equals(endpoint)) {
                shards.add(shard);
            }
        }
        return shards;
    }

    /** Total elements over all tensors: what a pull must receive before it completes. */
    public long totalElements() {
        long total = 0;
        for (int count : elementCounts) {
            total += count;
        }
        return total;
    }

    /** "tensor 3 (conv1/W)", for error messages. */
    public String describe(int tensorId) {
        return "tensor " + tensorId + " (" + tensorNames[tensorId] + ")";
    }

    @Override
    public String toString() {
        return "ShardRouting{" + tensorCount() + " tensors on " + shardCount() + " shards at " + endpoints + '}';
    }
}
