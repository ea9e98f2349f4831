package io.larcps.bench.round;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which tensors each parameter shard owns, by the coordinator's rule (largest tensor first, onto the
 * shard with the fewest bytes so far, lowest index on ties). The coordinator's own class is
 * package-private in {@code server}; {@code ShardPlacementReplicaTest} keeps this copy equal to it.
 */
public final class ShardShares {
    private ShardShares() {
    }

    /** @return for each tensor (by position) its shard */
    public static int[] assign(int[] elements, int shards) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < elements.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> -(long) elements[i]).thenComparingInt(i -> i));
        long[] load = new long[shards];
        int[] shardOf = new int[elements.length];
        for (int tensor : order) {
            int lightest = 0;
            for (int s = 1; s < shards; s++) {
                if (load[s] < load[lightest]) {
                    lightest = s;
                }
            }
            shardOf[tensor] = lightest;
            load[lightest] += elements[tensor];
        }
        return shardOf;
    }

    /** FLOAT32 bytes each shard owns under {@code shardOf}. */
    public static long[] bytes(int[] elements, int[] shardOf, int shards) {
        long[] bytes = new long[shards];
        for (int t = 0; t < elements.length; t++) {
            bytes[shardOf[t]] += (long) elements[t] * Float.BYTES;
        }
        return bytes;
    }

    /** The element counts of the tensors shard {@code shard} owns, in tensor order. */
    public static int[] tensorsOf(int[] elements, int[] shardOf, int shard) {
        return java.util.stream.IntStream.range(0, elements.length).filter(t -> shardOf[t] == shard)
                .map(t -> elements[t]).toArray();
    }
}
