package io.larcps.bench.optim;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.server.optim.UpdateKernels;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards the benchmark against timing a broken step: the naive and ND4J variants must give the weights
 * and momentum of {@code LayerwiseOptimizer} (vector kernel) within the golden tests' float32
 * tolerance, 1e-4 relative, over a first and two warmed momentum steps.
 */
class StepEquivalenceTest {
    /** Sizes off the vector width, BatchNorm-sized 1-D tensors, and a zero bias (apex skips LARC there). */
    private static final Layout SMALL = new Layout(List.of(
            new Layout.TensorSpec("conv1.weight", 9_411),
            new Layout.TensorSpec("bn1.weight", 64),
            new Layout.TensorSpec("bn1.bias", 64),
            new Layout.TensorSpec("layer1.0.downsample.1.weight", 259),
            new Layout.TensorSpec("fc.weight", 20_011),
            new Layout.TensorSpec("fc.bias", 1_000)));
    private static final int ZERO_TENSOR = 5;
    private static final int STEPS = 3;

    @BeforeAll
    static void oneThread() {
        Nd4jThreads.useOneThread();
    }

    /**
     * Gradient std 1e-3 is the benchmark's (the trust ratio clips to 1); std 1 drives it far below 1,
     * so a wrong norm or trust ratio shows.
     */
    @ParameterizedTest
    @ValueSource(doubles = {1e-3, 1.0})
    void naiveAndNd4jMatchTheShippedOptimizer(double gradientStd) {
        LarcpsStep reference = new LarcpsStep(problem(gradientStd), StepConfig.SETTINGS, StepConfig.LEARNING_RATE,
                UpdateKernels.vector());
        Map<String, OptimizerStep> variants = new LinkedHashMap<>();
        variants.put("naive", new NaiveStep(problem(gradientStd), StepConfig.SETTINGS, StepConfig.LEARNING_RATE));
        variants.put("nd4j", new Nd4jStep(problem(gradientStd), StepConfig.SETTINGS, StepConfig.LEARNING_RATE));
        double factors = 0;
        for (int step = 0; step < STEPS; step++) {
            factors = reference.stepReturningFactors();
            for (Map.Entry<String, OptimizerStep> variant : variants.entrySet()) {
                variant.getValue().step();
                assertClose(variant.getValue().weights(), reference.weights(),
                        variant.getKey() + " weights, step " + step);
                assertClose(variant.getValue().momentum(), reference.momentum(),
                        variant.getKey() + " momentum, step " + step);
            }
        }
        if (gradientStd >= 1) {
            // Every tensor but the zero one must have been scaled, or this case tests nothing extra.
            assertThat(factors).isLessThan(2);
        }
    }

    private static StepProblem problem(double gradientStd) {
        StepProblem problem = StepProblem.random(SMALL, StepConfig.SEED, StepConfig.WEIGHT_STD, gradientStd);
        Arrays.fill(problem.weights()[ZERO_TENSOR], 0f);
        return problem;
    }

    /**
     * Per element {@code |got - want| <= 1e-4 |want| + 1e-6 rms(want)}, checked in a plain loop with one
     * assertion per tensor: an AssertJ call per element costs seconds here.
     */
    private static void assertClose(float[][] got, float[][] want, String what) {
        assertThat(got.length).isEqualTo(want.length);
        for (int t = 0; t < want.length; t++) {
            assertThat(got[t]).as("%s, tensor %s", what, SMALL.tensors().get(t).name()).hasSize(want[t].length);
            double floor = 1e-6 * rms(want[t]);
            int worst = 0;
            double worstExcess = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < want[t].length; i++) {
                double excess = Math.abs(got[t][i] - want[t][i]) - (1e-4 * Math.abs(want[t][i]) + floor);
                if (excess > worstExcess) {
                    worstExcess = excess;
                    worst = i;
                }
            }
            assertThat(worstExcess)
                    .as("%s, tensor %s, element %d: got %s, want %s", what, SMALL.tensors().get(t).name(), worst,
                            got[t][worst], want[t][worst])
                    .isLessThanOrEqualTo(0);
        }
    }

    /** Scales the absolute floor to the tensor: momentum is 1e-6 in size where the trust ratio bites. */
    private static double rms(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum / values.length);
    }
}
