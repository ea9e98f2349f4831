package io.larcps.worker.transport;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.ShardAssignment;
import io.larcps.proto.control.ShardEndpoint;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import java.util.Random;

/** Layouts, assignments and tensor contents for the transport tests. */
final class Layouts {

    private Layouts() {
    }

    /** One FLOAT32 tensor "t{i}" of shape [counts[i]] per entry. */
    static TensorLayout layout(int... elementCounts) {
        TensorLayout.Builder layout = TensorLayout.newBuilder();
        for (int i = 0; i < elementCounts.length; i++) {
            layout.addTensors(TensorSpec.newBuilder()
                    .setName("t" + i)
                    .addShape(elementCounts[i])
                    .setDtype(DType.FLOAT32)
                    .setKind(TensorKind.TRAINABLE));
        }
        return layout.build();
    }

    /** Tensor i on shard {@code shardOfTensor[i]}; shard s listens at {@code endpointOfShard[s]}. */
    static ShardAssignment assignment(int[] shardOfTensor, Endpoint... endpointOfShard) {
        ShardAssignment.Builder assignment = ShardAssignment.newBuilder()
                .setJobId("job-1")
                .setShardCount(endpointOfShard.length)
                .setVersion(1);
        for (int tensorShard : shardOfTensor) {
            assignment.addShardOfTensor(tensorShard);
        }
        for (int shard = 0; shard < endpointOfShard.length; shard++) {
            assignment.addEndpoints(ShardEndpoint.newBuilder()
                    .setShard(shard)
                    .setHost(endpointOfShard[shard].host())
                    .setPort(endpointOfShard[shard].port()));
        }
        return assignment.build();
    }

    static ShardRouting routing(int[] shardOfTensor, int[] elementCounts, Endpoint... endpointOfShard) {
        return ShardRouting.of(assignment(shardOfTensor, endpointOfShard), layout(elementCounts));
    }

    /** Distinct pseudo-random values per tensor, reproducible from the seed. */
    static float[][] tensors(long seed, int... elementCounts) {
        Random random = new Random(seed);
        float[][] tensors = new float[elementCounts.length][];
        for (int i = 0; i < elementCounts.length; i++) {
            tensors[i] = new float[elementCounts[i]];
            for (int j = 0; j < elementCounts[i]; j++) {
                tensors[i][j] = random.nextFloat() * 2 - 1;
            }
        }
        return tensors;
    }

    /** Weights a fake shard serves: value depends on version, tensor and index, so a mix-up shows. */
    static float weight(long version, int tensorId, int index) {
        return version * 1000f + tensorId + index * 1e-3f;
    }

    static float[] weights(long version, int tensorId, int elements) {
        float[] values = new float[elements];
        for (int i = 0; i < elements; i++) {
            values[i] = weight(version, tensorId, i);
        }
        return values;
    }

    static float[][] empty(int... elementCounts) {
        float[][] tensors = new float[elementCounts.length][];
        for (int i = 0; i < elementCounts.length; i++) {
            tensors[i] = new float[elementCounts[i]];
        }
        return tensors;
    }
}
