package io.larcps.server.optim;

import java.util.Objects;

/**
 * Layer-wise trust-ratio scaling (apex LARC, MLPerf LARS, or none) followed by torch momentum SGD,
 * applied one tensor at a time. Pure math: no threads, no I/O, no allocation beyond a tensor's first
 * momentum buffer.
 *
 * <p>For a tensor with weights p, gradient g (the workers' gradient sum times {@code gradientScale},
 * i.e. divided by the global sample count), weight decay wd, trust coefficient t and learning rate lr,
 * apex LARC computes, when {@code ||p|| != 0} and {@code ||g|| != 0}:
 * <pre>
 *   local = t * ||p|| / (||g|| + wd * ||p|| + eps)
 *   local = min(local / lr, 1)                        (clip mode only)
 *   g     = (g + wd * p) * local
 * </pre>
 * and leaves g untouched otherwise (no decay either). SGD then runs with no weight decay of its own.
 * The step is memory-bound, so it reads each array as few times as it can: the fused update pass also
 * sums the squares of the weights it writes, so the next step's norm pass reads only the gradient.
 * Weights set from outside ({@link TensorState#overwriteWeights}) are measured again.
 */
public final class LayerwiseOptimizer {
    private final OptimizerSettings settings;
    private final UpdateKernel kernel;

    public LayerwiseOptimizer(OptimizerSettings settings, UpdateKernel kernel) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
    }

    /** An optimizer on the fastest kernel this JVM supports. */
    public LayerwiseOptimizer(OptimizerSettings settings) {
        this(settings, UpdateKernels.best());
    }

    public OptimizerSettings settings() {
        return settings;
    }

    public UpdateKernel kernel() {
        return kernel;
    }

    /**
     * Steps one tensor in place.
     *
     * @param gradientSum the gradient, as a sum over samples; read only
     * @param gradientScale multiplies {@code gradientSum} to give the mean gradient (1 / global samples)
     * @param learningRate this step's learning rate, &gt;= 0
     * @return the factor the trust rule put on this tensor's step: the learning rate it effectively
     *     ran at is {@code learningRate * factor} (1 when the rule left it alone); for metrics
     */
    public double step(TensorState tensor, float[] gradientSum, float gradientScale, double learningRate) {
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be a finite number >= 0, got " + learningRate);
        }
        if (gradientSum.length != tensor.size()) {
            throw new IllegalArgumentException("gradient for " + tensor.name() + " has " + gradientSum.length
                    + " elements, the tensor has " + tensor.size());
        }
        double weightDecay = tensor.excludeFromWeightDecay() ? 0 : settings.weightDecay();
        double factor;
        double decay;
        if (settings.rule() == TrustRule.NONE || tensor.excludeFromTrust()) {
            factor = 1;
            decay = weightDecay;
        } else {
            double[] squares = norms(tensor, gradientSum);
            double weightNorm = Math.sqrt(squares[0]);
            double gradientNorm = Math.sqrt(squares[1]) * Math.abs(gradientScale);
            boolean bothNonZero = weightNorm != 0 && gradientNorm != 0;
            if (bothNonZero) {
                factor = trustRatio(weightNorm, gradientNorm, weightDecay, learningRate);
                decay = weightDecay;
            } else {
                factor = 1;
                decay = settings.rule() == TrustRule.LARS ? weightDecay : 0;
            }
        }
        applyMomentumSgd(tensor, gradientSum, (float) (gradientScale * factor), (float) (decay * factor),
                (float) learningRate);
        return factor;
    }

    /** Both squared norms; the weights' comes from the last update when it is known. */
    private double[] norms(TensorState tensor, float[] gradientSum) {
        double cached = tensor.weightSquares();
        if (Double.isNaN(cached)) {
            return kernel.squaredNorms(tensor.weights(), gradientSum);
        }
        return new double[] {cached, kernel.squaredNorm(gradientSum)};
    }

    private double trustRatio(double weightNorm, double gradientNorm, double weightDecay, double learningRate) {
        double local = settings.trustCoefficient() * weightNorm
                / (gradientNorm + weightDecay * weightNorm + settings.eps());
        if (settings.clip()) {
            // apex: min(local / lr, 1). With lr == 0 the step is zero anyway; keep the factor finite.
            local = learningRate == 0 ? 1 : Math.min(local / learningRate, 1);
        }
        return local;
    }

    private void applyMomentumSgd(TensorState tensor, float[] gradientSum, float gradientScale, float decayScale,
            float learningRate) {
        float momentumFactor = (float) settings.momentum();
        double squares;
        if (momentumFactor == 0) {
            squares = kernel.update(tensor.weights(), gradientSum, null, gradientScale, decayScale, learningRate,
                    0, 0, false, false);
        } else {
            boolean first = tensor.momentum() == null;
            squares = kernel.update(tensor.weights(), gradientSum, tensor.momentumForUpdate(), gradientScale,
                    decayScale, learningRate, momentumFactor, (float) settings.dampening(), settings.nesterov(), first);
        }
        tensor.weightSquares(squares);
    }
}
