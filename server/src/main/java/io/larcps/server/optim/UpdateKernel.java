package io.larcps.server.optim;

import java.nio.ByteBuffer;

/**
 * The memory-bound loops of an optimizer step. An implementation reads each array once per call:
 * the step is one norm pass and one fused update pass over weights, gradient and momentum.
 *
 * <p>Implementations must give the same bits for the same inputs every time (no data-dependent
 * threading, fixed summation order), since equal-weights guarantees across shard and worker counts
 * rest on it.
 */
public interface UpdateKernel {

    /**
     * Squared L2 norms of the weights and of the gradient sum, in one pass, accumulated in double
     * precision (a float sum over millions of elements is off by percents, which skews the trust ratio).
     *
     * @return {@code [||weights||^2, ||gradient||^2]}
     */
    double[] squaredNorms(float[] weights, float[] gradient);

    /** The squared L2 norm of one array, in double precision (the gradient, when the weights' is known). */
    double squaredNorm(float[] values);

    /**
     * One fused update of weights and momentum, element-wise:
     * <pre>
     *   d = gradientScale * gradient + decayScale * weights
     *   momentum = first ? d : momentumFactor * momentum + (1 - dampening) * d   (when momentumFactor &gt; 0)
     *   step = nesterov ? d + momentumFactor * momentum : momentum               (d alone without momentum)
     *   weights -= learningRate * step
     * </pre>
     *
     * @param momentum the buffer, or null when {@code momentumFactor == 0}
     * @param firstMomentumStep the buffer holds no history yet and is simply set to {@code d}
     * @return the squared L2 norm of the updated weights, accumulated as they are written: the next
     *     step's trust ratio needs it, and computing it here spares that step a read of the weights;
     *     NaN when the kernel does not compute it (the next step then measures the weights itself)
     */
    double update(float[] weights, float[] gradient, float[] momentum, float gradientScale, float decayScale,
            float learningRate, float momentumFactor, float dampening, boolean nesterov, boolean firstMomentumStep);

    /**
     * Adds little-endian floats from a (possibly direct) buffer into {@code target[targetOffset ..]}.
     * Gradient chunks arrive off-heap from the network; the sum over workers lives on the heap.
     *
     * @param sourceByteOffset absolute byte index of the first float in {@code source}
     */
    void addLittleEndian(ByteBuffer source, int sourceByteOffset, float[] target, int targetOffset, int count);

    /** Whether every one of {@code count} little-endian floats is finite (no NaN, no infinity). */
    boolean allFiniteLittleEndian(ByteBuffer source, int sourceByteOffset, int count);

    /**
     * Copies {@code count} little-endian floats into {@code target[targetOffset ..]} and says whether
     * every one was finite, reading the source once: a check followed by a copy reads a received
     * gradient twice, and the shard's intake is bound by memory traffic it shares with the socket
     * copies. When the answer is false, the target range holds whatever was read and must not be used.
     */
    boolean copyFiniteLittleEndian(ByteBuffer source, int sourceByteOffset, float[] target, int targetOffset, int count);

    /** A short name for logs and benchmarks. */
    String name();
}
