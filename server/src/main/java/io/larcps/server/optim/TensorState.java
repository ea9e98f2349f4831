package io.larcps.server.optim;

import java.util.Objects;

/**
 * The optimizer's state of one parameter tensor: its weights and momentum buffer, flattened row-major.
 *
 * <p>The owner (a parameter shard) is the only writer; nothing here is thread-safe. The momentum buffer
 * is allocated on the first momentum step, as torch does, so a tensor under plain SGD costs no memory
 * for it.
 */
public final class TensorState {
    private final String name;
    private final float[] weights;
    private final boolean excludeFromTrust;
    private final boolean excludeFromWeightDecay;
    private float[] momentum;
    /** ||weights||^2 as the last update left them; NaN when unknown (new, or written from outside). */
    private double weightSquares = Double.NaN;

    /**
     * @param excludeFromTrust skip the layer-wise trust ratio (MLPerf practice for bias and BatchNorm)
     * @param excludeFromWeightDecay no weight decay for this tensor
     */
    public TensorState(String name, float[] weights, boolean excludeFromTrust, boolean excludeFromWeightDecay) {
        this.name = Objects.requireNonNull(name, "name");
        this.weights = Objects.requireNonNull(weights, "weights");
        this.excludeFromTrust = excludeFromTrust;
        this.excludeFromWeightDecay = excludeFromWeightDecay;
    }

    /** A tensor that takes part in every part of the rule. */
    public static TensorState of(String name, float[] weights) {
        return new TensorState(name, weights, false, false);
    }

    public String name() {
        return name;
    }

    /**
     * The live weights: the optimizer updates this array in place. Read them freely; write them only
     * through {@link #overwriteWeights}, which keeps the cached norm honest.
     */
    public float[] weights() {
        return weights;
    }

    /** Replaces the weights (seeding, restoring, averaging) and forgets their cached norm. */
    public void overwriteWeights(float[] values) {
        if (values.length != weights.length) {
            throw new IllegalArgumentException(values.length + " values for " + name + " of " + weights.length);
        }
        System.arraycopy(values, 0, weights, 0, weights.length);
        weightSquares = Double.NaN;
    }

    double weightSquares() {
        return weightSquares;
    }

    void weightSquares(double squares) {
        this.weightSquares = squares;
    }

    public int size() {
        return weights.length;
    }

    public boolean excludeFromTrust() {
        return excludeFromTrust;
    }

    public boolean excludeFromWeightDecay() {
        return excludeFromWeightDecay;
    }

    /** The momentum buffer, or null before the first momentum step. */
    public float[] momentum() {
        return momentum;
    }

    /** Restores a momentum buffer, e.g. from a checkpoint; null means none yet. */
    public void restoreMomentum(float[] buffer) {
        if (buffer != null && buffer.length != weights.length) {
            throw new IllegalArgumentException("momentum of " + name + " has " + buffer.length
                    + " elements, the tensor has " + weights.length);
        }
        this.momentum = buffer;
    }

    float[] momentumForUpdate() {
        if (momentum == null) {
            momentum = new float[weights.length];
        }
        return momentum;
    }
}
