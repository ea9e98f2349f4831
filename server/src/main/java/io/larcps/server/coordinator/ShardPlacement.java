package io.larcps.server.coordinator;

import io.larcps.proto.control.TensorSpec;
import io.larcps.proto.frame.DTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Places whole tensors on shards: largest first, each onto the shard with the fewest bytes so far
 * (lowest index on ties). Deterministic, so every run of a job places the same way. Tensors are never
 * split: LARC needs each layer's whole norms.
 */
public final class ShardPlacement {
    private ShardPlacement() {
    }

    /** @return for each tensor (by position in {@code tensors}) its shard */
    public static int[] assign(List<TensorSpec> tensors, int shards) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < tensors.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> -bytes(tensors.get(i))).thenComparingInt(i -> i));
        long[] load = new long[shards];
        int[] shardOf = new int[tensors.size()];
        for (int tensor : order) {
            int lightest = 0;
            for (int s = 1; s < shards; s++) {
                if (load[s] < load[lightest]) {
                    lightest = s;
                }
            }
            shardOf[tensor] = lightest;
            load[lightest] += bytes(tensors.get(tensor));
        }
        return shardOf;
    }

    /** Bytes per shard under a placement, for the log line that shows the balance. */
    static long[] load(List<TensorSpec> tensors, int[] shardOf, int shards) {
        long[] load = new long[shards];
        for (int i = 0; i < shardOf.length; i++) {
            load[shardOf[i]] += bytes(tensors.get(i));
        }
        return load;
    }

    static long elements(TensorSpec tensor) {
        long elements = 1;
        for (long dim : tensor.getShapeList()) {
            elements = Math.multiplyExact(elements, dim);
        }
        return elements;
    }

    private static long bytes(TensorSpec tensor) {
        return elements(tensor) * DTypes.byteSize(tensor.getDtype());
    }
}
