package io.larcps.server.shard;

import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorSpec;
import io.larcps.server.optim.LayerwiseOptimizer;
import io.larcps.server.optim.TensorState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of one shard and how a step changes them: trainable tensors go through the optimizer,
 * running statistics (BatchNorm mean and variance) become the sample-weighted mean of the workers'
 * values and never see LARC or weight decay.
 */
final class ShardTensors {
    private final Map<Integer, TensorState> states = new LinkedHashMap<>();
    private final Map<Integer, Boolean> trainable = new LinkedHashMap<>();

    ShardTensors(ShardSpec spec) {
        for (int i = 0; i < spec.tensorIds().size(); i++) {
            TensorSpec tensor = spec.tensors().get(i);
            long elements = 1;
            for (long dim : tensor.getShapeList()) {
                elements = Math.multiplyExact(elements, dim);
            }
            if (elements <= 0 || elements > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor " + tensor.getName() + " has " + elements
                        + " elements; a shard holds tensors of 1 to 2^31 - 9 elements");
            }
            states.put(spec.tensorIds().get(i), new TensorState(tensor.getName(), new float[(int) elements],
                    tensor.getExcludeFromLarc(), tensor.getExcludeFromWeightDecay()));
            trainable.put(spec.tensorIds().get(i), tensor.getKind() != TensorKind.RUNNING_STATISTIC);
        }
    }

    /** Element count by tensor id. */
    Map<Integer, Integer> sizes() {
        Map<Integer, Integer> sizes = new LinkedHashMap<>();
        states.forEach((id, state) -> sizes.put(id, state.size()));
        return sizes;
    }

    Map<Integer, TensorState> states() {
        return Collections.unmodifiableMap(states);
    }

    /** Copies the seeded initial weights in. */
    void seed(StepAggregator seed) {
        states.forEach((id, state) -> state.overwriteWeights(seed.total(id)));
    }

    /**
     * Applies a completed step.
     *
     * @return per tensor (in id order) the factor the trust rule put on its rate; NaN where no
     *     accepted gradient reached the tensor or the tensor is a running statistic
     */
    List<Double> apply(StepAggregator step, LayerwiseOptimizer optimizer, double learningRate) {
        List<Double> factors = new ArrayList<>(states.size());
        states.forEach((id, state) -> {
            float[] sum = step.sum(id);
            if (sum == null || !trainable.get(id)) {
                if (sum != null) {
                    state.overwriteWeights(average(sum, step.samples(id)));
                }
                factors.add(Double.NaN);
                return;
            }
            factors.add(optimizer.step(state, sum, 1f / step.samples(id), learningRate));
        });
        return factors;
    }

    private static float[] average(float[] sum, long samples) {
        float inverse = 1f / samples;
        float[] mean = new float[sum.length];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = sum[i] * inverse;
        }
        return mean;
    }
}
