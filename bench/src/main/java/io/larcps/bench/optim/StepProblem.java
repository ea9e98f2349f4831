package io.larcps.bench.optim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded weights and gradients for every tensor of a layout. Each variant under test builds its own
 * instance from the same seed, so they start from identical numbers without sharing arrays.
 */
public record StepProblem(List<Layout.TensorSpec> tensors, float[][] weights, float[][] gradients) {

    /** Weights N(0, weightStd) and gradients N(0, gradientStd), tensor after tensor from one seed. */
    public static StepProblem random(Layout layout, long seed, double weightStd, double gradientStd) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Layout.TensorSpec> tensors = layout.tensors();
        float[][] weights = new float[tensors.size()][];
        float[][] gradients = new float[tensors.size()][];
        for (int t = 0; t < tensors.size(); t++) {
            weights[t] = gaussian(random, tensors.get(t).size(), weightStd);
            gradients[t] = gaussian(random, tensors.get(t).size(), gradientStd);
        }
        return new StepProblem(tensors, weights, gradients);
    }

    private static float[] gaussian(SplittableRandom random, int size, double std) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return values;
    }
}
