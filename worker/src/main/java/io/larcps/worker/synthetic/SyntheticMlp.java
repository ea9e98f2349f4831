package io.larcps.worker.synthetic;

import io.larcps.proto.control.DType;
import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.proto.control.TensorSpec;
import io.larcps.worker.GradientSource;
import io.larcps.worker.data.EpochSampler;
import java.util.SplittableRandom;

/**
 * A one-hidden-layer ReLU network with a softmax output on seeded synthetic data, in plain Java:
 * small and exact enough to check the parameter-server path bit for bit without DL4J. Samples are
 * Gaussian blobs around per-class centres. Tensors: hidden.W, hidden.b, out.W, out.b (biases are
 * excluded from LARC and weight decay, as MLPerf does).
 */
public final class SyntheticMlp implements GradientSource {
    private static final int W1 = 0;
    private static final int B1 = 1;
    private static final int W2 = 2;
    private static final int B2 = 3;

    private final int features;
    private final int hidden;
    private final int classes;
    private final float[][] inputs;
    private final int[] labels;
    private final EpochSampler sampler;
    private final long seed;

    public SyntheticMlp(int samples, int features, int hidden, int classes, long seed) {
        this.features = features;
        this.hidden = hidden;
        this.classes = classes;
        this.seed = seed;
        this.inputs = new float[samples][features];
        this.labels = new int[samples];
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[classes][features];
        for (float[] centre : centres) {
            for (int f = 0; f < features; f++) {
                centre[f] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        for (int i = 0; i < samples; i++) {
            labels[i] = random.nextInt(classes);
            for (int f = 0; f < features; f++) {
                inputs[i][f] = centres[labels[i]][f] + (float) (gaussian(random) * 0.5);
            }
        }
        this.sampler = new EpochSampler(samples, seed);
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    @Override
    public TensorLayout layout() {
        return TensorLayout.newBuilder()
                .addTensors(tensor("hidden.W", false, hidden, features))
                .addTensors(tensor("hidden.b", true, hidden))
                .addTensors(tensor("out.W", false, classes, hidden))
                .addTensors(tensor("out.b", true, classes))
                .build();
    }

    private static TensorSpec tensor(String name, boolean bias, long... shape) {
        TensorSpec.Builder spec = TensorSpec.newBuilder().setName(name).setDtype(DType.FLOAT32)
                .setKind(TensorKind.TRAINABLE).setExcludeFromLarc(bias).setExcludeFromWeightDecay(bias);
        for (long dim : shape) {
            spec.addShape(dim);
        }
        return spec.build();
    }

    @Override
    public float[][] initialWeights() {
        SplittableRandom random = new SplittableRandom(seed + 1);
        float[] w1 = new float[hidden * features];
        float[] w2 = new float[classes * hidden];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) (gaussian(random) * Math.sqrt(2.0 / features));
        }
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) (gaussian(random) * Math.sqrt(1.0 / hidden));
        }
        return new float[][] {w1, new float[hidden], w2, new float[classes]};
    }

    @Override
    public Contribution compute(float[][] weights, StepPlan plan, int participantIndex) {
        int[] batch = sampler.slice(plan, participantIndex);
        float[][] grads = {new float[hidden * features], new float[hidden], new float[classes * hidden], new float[classes]};
        float[] h = new float[hidden];
        float[] p = new float[classes];
        float[] dh = new float[hidden];
        for (int sample : batch) {
            float[] x = inputs[sample];
            forward(weights, x, h, p);
            p[labels[sample]] -= 1;
            java.util.Arrays.fill(dh, 0f);
            for (int c = 0; c < classes; c++) {
                grads[B2][c] += p[c];
                for (int j = 0; j < hidden; j++) {
                    grads[W2][c * hidden + j] += p[c] * h[j];
                    dh[j] += weights[W2][c * hidden + j] * p[c];
                }
            }
            for (int j = 0; j < hidden; j++) {
                if (h[j] <= 0) {
                    continue;
                }
                grads[B1][j] += dh[j];
                for (int f = 0; f < features; f++) {
                    grads[W1][j * features + f] += dh[j] * x[f];
                }
            }
        }
        return new Contribution(grads, batch.length);
    }

    /** Fraction of all samples the weights classify right. */
    public double accuracy(float[][] weights) {
        float[] h = new float[hidden];
        float[] p = new float[classes];
        int correct = 0;
        for (int i = 0; i < inputs.length; i++) {
            forward(weights, inputs[i], h, p);
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        return correct / (double) inputs.length;
    }

    private void forward(float[][] weights, float[] x, float[] h, float[] p) {
        for (int j = 0; j < hidden; j++) {
            float z = weights[B1][j];
            for (int f = 0; f < features; f++) {
                z += weights[W1][j * features + f] * x[f];
            }
            h[j] = Math.max(z, 0f);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            float z = weights[B2][c];
            for (int j = 0; j < hidden; j++) {
                z += weights[W2][c * hidden + j] * h[j];
            }
            p[c] = z;
            max = Math.max(max, z);
        }
        float total = 0;
        for (int c = 0; c < classes; c++) {
            p[c] = (float) Math.exp(p[c] - max);
            total += p[c];
        }
        for (int c = 0; c < classes; c++) {
            p[c] /= total;
        }
    }
}
