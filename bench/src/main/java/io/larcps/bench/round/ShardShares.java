package io.larcps.bench.round;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.TensorSpec;
import io.larcps.server.coordinator.ShardPlacement;
import java.util.ArrayList;
import java.util.List;

/**
 * Which tensors each parameter shard owns, for a layout given as FLOAT32 element counts: the
 * coordinator's own placement ({@link ShardPlacement}), so the benchmark measures what a job does.
 */
public final class ShardShares {
    private ShardShares() {
    }

    /** @return for each tensor (by position) its shard */
    public static int[] assign(int[] elements, int shards) {
        List<TensorSpec> tensors = new ArrayList<>(elements.length);
        for (int i = 0; i < elements.length; i++) {
            tensors.add(TensorSpec.newBuilder().setName("t" + i).setDtype(DType.FLOAT32).addShape(elements[i]).build());
        }
        return ShardPlacement.assign(tensors, shards);
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
