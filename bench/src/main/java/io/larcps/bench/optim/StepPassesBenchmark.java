package io.larcps.bench.optim;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * Diagnosis, not a variant: the vector kernel's norm pass (reads p, g: 8 B/parameter) and update pass
 * (reads p, g, m, writes p, m: 20 B) each over the whole parameter set on its own. Their sum against
 * the {@code larcps} step shows how much the update pass gains from finding p and g still in cache.
 */
public class StepPassesBenchmark extends StandardSettings {

    @Benchmark
    public double normPass(PassesState state) {
        double sum = 0;
        for (int t = 0; t < state.weights.length; t++) {
            sum += state.kernel.squaredNorms(state.weights[t], state.gradients[t])[1];
        }
        return sum;
    }

    @Benchmark
    public void updatePass(PassesState state) {
        float learningRate = (float) StepConfig.LEARNING_RATE;
        float momentum = (float) StepConfig.SETTINGS.momentum();
        for (int t = 0; t < state.weights.length; t++) {
            state.kernel.update(state.weights[t], state.gradients[t], state.momentum[t], 1f, PassesState.DECAY,
                    learningRate, momentum, 0f, false, false);
        }
    }
}
