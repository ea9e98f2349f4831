package io.larcps.bench.optim;

import io.larcps.server.optim.OptimizerSettings;

/**
 * The step as apex runs it on a GPU, one operation per pass over the arrays, in plain Java:
 * copy the gradient, ||p||, ||g||, g += wd*p, g *= local, buf = m*buf + g, p -= lr*buf. The copy
 * goes to a per-tensor scratch array (apex's grad) so the input gradient survives for the next call.
 */
public final class NaiveStep implements OptimizerStep {
    private final OptimizerSettings settings;
    private final double learningRate;
    private final float[][] weights;
    private final float[][] gradients;
    private final float[][] scratch;
    private final float[][] momentum;
    private boolean warmed;

    public NaiveStep(StepProblem problem, OptimizerSettings settings, double learningRate) {
        this.settings = LarcOnly.require(settings);
        this.learningRate = learningRate;
        this.weights = problem.weights();
        this.gradients = problem.gradients();
        int count = weights.length;
        this.scratch = new float[count][];
        this.momentum = new float[count][];
        for (int t = 0; t < count; t++) {
            scratch[t] = new float[weights[t].length];
            momentum[t] = new float[weights[t].length];
        }
    }

    @Override
    public void step() {
        for (int t = 0; t < weights.length; t++) {
            stepTensor(weights[t], gradients[t], scratch[t], momentum[t]);
        }
        warmed = true;
    }

    private void stepTensor(float[] p, float[] input, float[] g, float[] buf) {
        System.arraycopy(input, 0, g, 0, input.length);
        double weightNorm = norm(p);
        double gradientNorm = norm(g);
        if (LarcOnly.applies(weightNorm, gradientNorm)) {
            float local = (float) LarcOnly.localRate(settings, weightNorm, gradientNorm, learningRate);
            addScaled(g, (float) settings.weightDecay(), p);
            scale(g, local);
        }
        if (warmed) {
            accumulateMomentum(buf, (float) settings.momentum(), g);
        } else {
            System.arraycopy(g, 0, buf, 0, g.length);
        }
        addScaled(p, (float) -learningRate, buf);
    }

    /** Double accumulation, as a careful plain-Java norm would: a float sum drifts by percents at 1M+. */
    private static double norm(float[] x) {
        double sum = 0;
        for (float v : x) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    /** y += a * x */
    private static void addScaled(float[] y, float a, float[] x) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }

    /** x *= a */
    private static void scale(float[] x, float a) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= a;
        }
    }

    /** buf = m * buf + g, torch's momentum update without dampening. */
    private static void accumulateMomentum(float[] buf, float m, float[] g) {
        for (int i = 0; i < buf.length; i++) {
            buf[i] = m * buf[i] + g[i];
        }
    }

    @Override
    public float[][] weights() {
        return deepCopy(weights);
    }

    @Override
    public float[][] momentum() {
        return warmed ? deepCopy(momentum) : new float[weights.length][];
    }

    private static float[][] deepCopy(float[][] arrays) {
        float[][] copy = new float[arrays.length][];
        for (int t = 0; t < arrays.length; t++) {
            copy[t] = arrays[t].clone();
        }
        return copy;
    }
}
