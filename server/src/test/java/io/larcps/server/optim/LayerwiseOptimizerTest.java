package io.larcps.server.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of the trust rules that the golden trajectories do not pin down on their own. */
class LayerwiseOptimizerTest {
    private static final int TRIALS = 200;

    @Test
    void clipModeNeverRunsATensorAboveTheLearningRate() {
        Random random = new Random(11);
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(
                new OptimizerSettings(TrustRule.LARC, 0.02, 1e-8, true, 5e-4, 0, 0, false));
        int clipped = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            int n = 1 + random.nextInt(300);
            float[] weights = gaussian(random, n, Math.pow(10, -3 + 3 * random.nextDouble()));
            float[] gradient = gaussian(random, n, Math.pow(10, -4 + 4 * random.nextDouble()));
            double lr = Math.pow(10, -3 + 3 * random.nextDouble());
            double factor = optimizer.step(TensorState.of("w", weights.clone()), gradient, 1f, lr);

            double wn = norm(weights);
            double gn = norm(gradient);
            double expected = Math.min(0.02 * wn / (gn + 5e-4 * wn + 1e-8), lr);
            assertThat(lr * factor).isLessThanOrEqualTo(lr).isCloseTo(expected, within(1e-7 * expected));
            if (factor == 1) {
                clipped++;
            }
        }
        assertThat(clipped).as("the sampled range exercises the clip").isBetween(1, TRIALS - 1);
    }

    @Test
    void scaleModeMultipliesTheRateByTheTrustRatio() {
        Random random = new Random(12);
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(
                new OptimizerSettings(TrustRule.LARC, 0.02, 1e-8, false, 1e-4, 0, 0, false));
        float[] weights = gaussian(random, 64, 0.1);
        float[] gradient = gaussian(random, 64, 1e-3);
        double factor = optimizer.step(TensorState.of("w", weights.clone()), gradient, 1f, 0.5);
        double wn = norm(weights);
        assertThat(factor).isCloseTo(0.02 * wn / (norm(gradient) + 1e-4 * wn + 1e-8), within(1e-7 * factor));
    }

    @Test
    void larcLeavesAZeroNormTensorUnscaledAndUndecayed() {
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(
                new OptimizerSettings(TrustRule.LARC, 0.02, 1e-8, true, 0.1, 0, 0, false));
        float[] gradient = {0.5f, -0.25f, 1f};

        TensorState zeroWeights = TensorState.of("bias", new float[3]);
        assertThat(optimizer.step(zeroWeights, gradient, 1f, 0.1)).isEqualTo(1);
        assertThat(zeroWeights.weights()).containsExactly(-0.05f, 0.025f, -0.1f);

        float[] weights = {1f, 2f, 3f};
        TensorState zeroGradient = TensorState.of("w", weights.clone());
        optimizer.step(zeroGradient, new float[3], 1f, 0.1);
        assertThat(zeroGradient.weights()).as("no weight decay on a zero gradient").containsExactly(weights);
    }

    @Test
    void mlperfLarsKeepsDecayAndATrustOfOneOnZeroNorms() {
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(
                new OptimizerSettings(TrustRule.LARS, 0.001, 0, false, 0.1, 0, 0, false));
        TensorState zeroGradient = TensorState.of("w", new float[] {1f, 2f});
        assertThat(optimizer.step(zeroGradient, new float[2], 1f, 0.5)).isEqualTo(1);
        assertThat(zeroGradient.weights()).containsExactly(1f - 0.05f, 2f - 0.1f);
    }

    @Test
    void excludedTensorsRunPlainSgdWithoutDecay() {
        Random random = new Random(13);
        float[] weights = gaussian(random, 100, 0.1);
        float[] gradient = gaussian(random, 100, 1e-2);
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(
                new OptimizerSettings(TrustRule.LARC, 0.02, 1e-8, true, 0.05, 0.9, 0, false));
        TensorState excluded = new TensorState("bn.weight", weights.clone(), true, true);

        assertThat(optimizer.step(excluded, gradient, 1f, 0.2)).isEqualTo(1);
        for (int i = 0; i < weights.length; i++) {
            assertThat(excluded.weights()[i]).isEqualTo(weights[i] - 0.2f * gradient[i]);
            assertThat(excluded.momentum()[i]).isEqualTo(gradient[i]);
        }
    }

    @Test
    void plainSgdAddsWeightDecayToTheGradient() {
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(OptimizerSettings.sgd(0.1, 0));
        TensorState tensor = TensorState.of("w", new float[] {2f});
        optimizer.step(tensor, new float[] {1f}, 1f, 0.5);
        assertThat(tensor.weights()[0]).isCloseTo(2f - 0.5f * (1f + 0.2f), within(1e-7f));
        assertThat(tensor.momentum()).as("no buffer without momentum").isNull();
    }

    @Test
    void aGradientSumScaledByOneOverTheCountStepsLikeTheMean() {
        Random random = new Random(14);
        float[] weights = gaussian(random, 257, 0.1);
        float[] sum = gaussian(random, 257, 1.0);
        float[] mean = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            mean[i] = sum[i] / 512f;
        }
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(OptimizerSettings.apexLarc(0.02, 5e-4, 0.9));
        TensorState fromSum = TensorState.of("a", weights.clone());
        TensorState fromMean = TensorState.of("b", weights.clone());
        for (int step = 0; step < 3; step++) {
            double f1 = optimizer.step(fromSum, sum, 1f / 512, 0.4);
            double f2 = optimizer.step(fromMean, mean, 1f, 0.4);
            assertThat(f1).isCloseTo(f2, within(1e-6 * f2));
        }
        for (int i = 0; i < weights.length; i++) {
            assertThat(fromSum.weights()[i]).isCloseTo(fromMean.weights()[i], within(1e-6f));
        }
    }

    @Test
    void theSameInputsGiveTheSameBitsEveryTime() {
        Random random = new Random(15);
        float[] weights = gaussian(random, 10_001, 0.1);
        float[] gradient = gaussian(random, 10_001, 1e-3);
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(OptimizerSettings.apexLarc(0.02, 5e-4, 0.9));
        TensorState a = TensorState.of("a", weights.clone());
        TensorState b = TensorState.of("b", weights.clone());
        for (int step = 0; step < 3; step++) {
            optimizer.step(a, gradient, 1f, 0.4);
            optimizer.step(b, gradient, 1f, 0.4);
        }
        assertThat(a.weights()).containsExactly(b.weights());
        assertThat(a.momentum()).containsExactly(b.momentum());
    }

    @Test
    void theWeightNormCarriedFromTheLastUpdateIsTheNormOfTheWeights() {
        Random random = new Random(16);
        float[] weights = gaussian(random, 5_003, 0.1);
        LayerwiseOptimizer optimizer = new LayerwiseOptimizer(OptimizerSettings.apexLarc(0.02, 5e-4, 0.9));
        TensorState carried = TensorState.of("w", weights.clone());
        for (int step = 0; step < 4; step++) {
            float[] gradient = gaussian(random, weights.length, 1e-2);
            // A fresh state with the same weights and momentum measures the weights from scratch.
            TensorState measured = TensorState.of("w", carried.weights().clone());
            measured.restoreMomentum(carried.momentum() == null ? null : carried.momentum().clone());
            double fromCache = optimizer.step(carried, gradient, 1f, 0.4);
            double fromScratch = optimizer.step(measured, gradient, 1f, 0.4);
            assertThat(fromCache).isCloseTo(fromScratch, within(1e-7 * fromScratch));
            assertThat(carried.weightSquares()).isCloseTo(norm(carried.weights()) * norm(carried.weights()),
                    within(1e-6 * norm(carried.weights()) * norm(carried.weights())));
        }
        carried.overwriteWeights(new float[weights.length]);
        assertThat(carried.weightSquares()).as("written from outside: measured again").isNaN();
        assertThat(optimizer.step(carried, gaussian(random, weights.length, 1e-2), 1f, 0.4))
                .as("zero weights: LARC leaves the tensor alone").isEqualTo(1);
    }

    static float[] gaussian(Random random, int n, double sigma) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * sigma);
        }
        return values;
    }

    static double norm(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }
}
