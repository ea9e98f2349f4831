package io.larcps.server.optim;

/**
 * How a tensor's step is scaled by its own weight and gradient norms.
 *
 * <p>The rules differ only in what happens around the trust ratio; the momentum SGD that follows is
 * shared (see {@link LayerwiseOptimizer}).
 */
public enum TrustRule {
    /** Plain momentum SGD: weight decay added to the gradient, no layer-wise scaling. */
    NONE,
    /**
     * NVIDIA apex {@code LARC}: weight decay folded into the gradient and the sum scaled by the trust
     * ratio; a tensor whose weight or gradient norm is zero gets neither scaling nor weight decay.
     */
    LARC,
    /**
     * The MLPerf reference LARS: the trust ratio is 1 when either norm is zero, and weight decay is
     * always applied. Its usual eps is 0.
     */
    LARS
}
