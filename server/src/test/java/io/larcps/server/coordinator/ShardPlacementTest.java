package io.larcps.server.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardPlacementTest {

    static TensorSpec tensor(String name, long... shape) {
        TensorSpec.Builder builder = TensorSpec.newBuilder().setName(name).setDtype(DType.FLOAT32).setKind(TensorKind.TRAINABLE);
        for (long dim : shape) {
            builder.addShape(dim);
        }
        return builder.build();
    }

    @Test
    void largestFirstOntoTheLightestShardBalancesBytes() {
        List<TensorSpec> tensors = List.of(tensor("a", 100), tensor("b", 60), tensor("c", 50), tensor("d", 40), tensor("e", 10));
        int[] shardOf = ShardPlacement.assign(tensors, 2);
        // a(100) -> 0; b(60) -> 1; c(50) -> 1 (60 < 100); d(40) -> 0 (100 < 110); e(10) -> 1 (110 < 140)... 140 vs 110 -> e to 1.
        assertThat(shardOf).containsExactly(0, 1, 1, 0, 1);
        assertThat(ShardPlacement.load(tensors, shardOf, 2)).containsExactly(560, 480);
    }

    @Test
    void placementIsDeterministicAndEveryShardGetsWorkWhenItCan() {
        List<TensorSpec> tensors = new ArrayList<>();
        for (int i = 0; i < 161; i++) {
            tensors.add(tensor("t" + i, 1 + (i * 7919L) % 5000));
        }
        for (int shards = 1; shards <= 8; shards++) {
            int[] first = ShardPlacement.assign(tensors, shards);
            assertThat(ShardPlacement.assign(tensors, shards)).containsExactly(first);
            assertThat(Arrays.stream(first).distinct().count()).isEqualTo(shards);
            long[] load = ShardPlacement.load(tensors, first, shards);
            long max = Arrays.stream(load).max().orElseThrow();
            long min = Arrays.stream(load).min().orElseThrow();
            assertThat(max - min).as("imbalance with %d shards", shards).isLessThanOrEqualTo(5000 * 4);
        }
    }
}
