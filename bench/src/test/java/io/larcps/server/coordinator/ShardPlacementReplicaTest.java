package io.larcps.server.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.bench.round.ModelLayout;
import io.larcps.bench.round.ShardShares;
import io.larcps.proto.control.DType;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The round benchmark needs each shard's bytes; the coordinator's placement is package-private, so
 * this test sits in its package and keeps the benchmark's copy ({@link ShardShares}) equal to it.
 */
class ShardPlacementReplicaTest {

    @Test
    void theBenchmarksCopyPlacesResNet50AsTheCoordinatorDoes() {
        TensorLayout layout = ModelLayout.load(ModelLayout.defaultPath());
        for (int shards = 1; shards <= 5; shards++) {
            assertThat(ShardShares.assign(ModelLayout.sizes(layout), shards)).as("%d shards", shards)
                    .containsExactly(ShardPlacement.assign(layout.getTensorsList(), shards));
        }
    }

    @Test
    void andRandomLayoutsWithTies() {
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 50; trial++) {
            TensorLayout.Builder layout = TensorLayout.newBuilder();
            int tensors = 1 + random.nextInt(40);
            for (int t = 0; t < tensors; t++) {
                layout.addTensors(TensorSpec.newBuilder().setName("t" + t).setDtype(DType.FLOAT32)
                        .setKind(TensorKind.TRAINABLE).addShape(1 + random.nextInt(8) * 64L));
            }
            TensorLayout built = layout.build();
            int shards = 1 + random.nextInt(4);
            assertThat(ShardShares.assign(ModelLayout.sizes(built), shards))
                    .containsExactly(ShardPlacement.assign(built.getTensorsList(), shards));
        }
    }
}
