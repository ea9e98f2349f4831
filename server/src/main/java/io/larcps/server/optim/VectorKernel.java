package io.larcps.server.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast kernel, on the Vector API ({@code jdk.incubator.vector}, needs
 * {@code --add-modules jdk.incubator.vector} on Java 17). Load this class only through
 * {@link UpdateKernels#best()}, which falls back to {@link ScalarKernel} without the module.
 *
 * <p>Norms are summed in float lanes for speed and flushed into a double every {@value #FLUSH_ELEMENTS}
 * elements: the lanes never accumulate enough terms to lose precision, and the flush costs nothing
 * measurable.
 */
final class VectorKernel implements UpdateKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    static final int FLUSH_ELEMENTS = 8192;

    @Override
    public double[] squaredNorms(float[] weights, float[] gradient) {
        ScalarKernel.requireSameLength(weights, gradient);
        int n = weights.length;
        double weightSum = 0;
        double gradientSum = 0;
        int i = 0;
        int vectorEnd = SPECIES.loopBound(n);
        while (i < vectorEnd) {
            int blockEnd = Math.min(vectorEnd, i + FLUSH_ELEMENTS);
            FloatVector w2 = FloatVector.zero(SPECIES);
            FloatVector g2 = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                FloatVector w = FloatVector.fromArray(SPECIES, weights, i);
                FloatVector g = FloatVector.fromArray(SPECIES, gradient, i);
                w2 = w.fma(w, w2);
                g2 = g.fma(g, g2);
            }
            weightSum += w2.reduceLanes(VectorOperators.ADD);
            gradientSum += g2.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            double w = weights[i];
            double g = gradient[i];
            weightSum += w * w;
            gradientSum += g * g;
        }
        return new double[] {weightSum, gradientSum};
    }

    @Override
    public double squaredNorm(float[] values) {
        int n = values.length;
        double sum = 0;
        int i = 0;
        int vectorEnd = SPECIES.loopBound(n);
        while (i < vectorEnd) {
            int blockEnd = Math.min(vectorEnd, i + FLUSH_ELEMENTS);
            FloatVector squares = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                FloatVector v = FloatVector.fromArray(SPECIES, values, i);
                squares = v.fma(v, squares);
            }
            sum += squares.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            double v = values[i];
            sum += v * v;
        }
        return sum;
    }

    @Override
    public double update(float[] weights, float[] gradient, float[] momentum, float gradientScale, float decayScale,
            float learningRate, float momentumFactor, float dampening, boolean nesterov, boolean firstMomentumStep) {
        ScalarKernel.requireSameLength(weights, gradient);
        boolean withMomentum = momentumFactor != 0;
        if (withMomentum) {
            ScalarKernel.requireSameLength(weights, momentum);
        }
        int n = weights.length;
        int vectorEnd = SPECIES.loopBound(n);
        float keep = 1 - dampening;
        double squares = 0;
        int i = 0;
        while (i < vectorEnd) {
            int blockEnd = Math.min(vectorEnd, i + FLUSH_ELEMENTS);
            FloatVector blockSquares = FloatVector.zero(SPECIES);
            for (; i < blockEnd; i += LANES) {
                FloatVector w = FloatVector.fromArray(SPECIES, weights, i);
                FloatVector d = FloatVector.fromArray(SPECIES, gradient, i).mul(gradientScale).add(w.mul(decayScale));
                FloatVector step = d;
                if (withMomentum) {
                    FloatVector buf = firstMomentumStep
                            ? d
                            : FloatVector.fromArray(SPECIES, momentum, i).mul(momentumFactor).add(d.mul(keep));
                    buf.intoArray(momentum, i);
                    step = nesterov ? d.add(buf.mul(momentumFactor)) : buf;
                }
                FloatVector updated = w.sub(step.mul(learningRate));
                updated.intoArray(weights, i);
                blockSquares = updated.fma(updated, blockSquares);
            }
            squares += blockSquares.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float d = gradientScale * gradient[i] + decayScale * weights[i];
            float step = d;
            if (withMomentum) {
                float buf = firstMomentumStep ? d : momentumFactor * momentum[i] + keep * d;
                momentum[i] = buf;
                step = nesterov ? d + momentumFactor * buf : buf;
            }
            double w = weights[i] -= learningRate * step;
            squares += w * w;
        }
        return squares;
    }

    @Override
    public void addLittleEndian(ByteBuffer source, int sourceByteOffset, float[] target, int targetOffset, int count) {
        int vectorEnd = SPECIES.loopBound(count);
        int i = 0;
        for (; i < vectorEnd; i += LANES) {
            FloatVector.fromByteBuffer(SPECIES, source, sourceByteOffset + 4 * i, ByteOrder.LITTLE_ENDIAN)
                    .add(FloatVector.fromArray(SPECIES, target, targetOffset + i))
                    .intoArray(target, targetOffset + i);
        }
        ByteBuffer le = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (; i < count; i++) {
            target[targetOffset + i] += le.getFloat(sourceByteOffset + 4 * i);
        }
    }

    @Override
    public boolean allFiniteLittleEndian(ByteBuffer source, int sourceByteOffset, int count) {
        int vectorEnd = SPECIES.loopBound(count);
        int i = 0;
        for (; i < vectorEnd; i += LANES) {
            FloatVector v = FloatVector.fromByteBuffer(SPECIES, source, sourceByteOffset + 4 * i, ByteOrder.LITTLE_ENDIAN);
            if (!v.test(VectorOperators.IS_FINITE).allTrue()) {
                return false;
            }
        }
        ByteBuffer le = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (; i < count; i++) {
            if (!Float.isFinite(le.getFloat(sourceByteOffset + 4 * i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean copyFiniteLittleEndian(ByteBuffer source, int sourceByteOffset, float[] target, int targetOffset,
            int count) {
        int vectorEnd = SPECIES.loopBound(count);
        // x * 0 is 0 for every finite x and NaN for NaN and the infinities, and a NaN stays in a sum:
        // one fused multiply-add per vector carries the verdict without a branch in the loop.
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector poison = zero;
        int i = 0;
        for (; i < vectorEnd; i += LANES) {
            FloatVector v = FloatVector.fromByteBuffer(SPECIES, source, sourceByteOffset + 4 * i, ByteOrder.LITTLE_ENDIAN);
            v.intoArray(target, targetOffset + i);
            poison = v.fma(zero, poison);
        }
        boolean finite = poison.test(VectorOperators.IS_FINITE).allTrue();
        ByteBuffer le = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (; i < count; i++) {
            float value = le.getFloat(sourceByteOffset + 4 * i);
            target[targetOffset + i] = value;
            finite &= Float.isFinite(value);
        }
        return finite;
    }

    @Override
    public String name() {
        return "vector-" + SPECIES.vectorBitSize();
    }
}
