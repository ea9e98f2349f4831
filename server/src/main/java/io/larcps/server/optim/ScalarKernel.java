package io.larcps.server.optim;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The portable kernel: plain loops. C2 vectorises the update loop but not a float reduction, so the
 * norm pass runs at scalar speed; {@link VectorKernel} is faster where the Vector API is available.
 * Summing the weights' squares inside the update loop would stop C2 vectorising it, so this kernel
 * returns NaN from {@link #update} and the next step measures the weights in its norm pass.
 */
public final class ScalarKernel implements UpdateKernel {

    @Override
    public double[] squaredNorms(float[] weights, float[] gradient) {
        requireSameLength(weights, gradient);
        double weightSum = 0;
        double gradientSum = 0;
        for (int i = 0; i < weights.length; i++) {
            double w = weights[i];
            double g = gradient[i];
            weightSum += w * w;
            gradientSum += g * g;
        }
        return new double[] {weightSum, gradientSum};
    }

    @Override
    public double squaredNorm(float[] values) {
        double sum = 0;
        for (float v : values) {
            double d = v;
            sum += d * d;
        }
        return sum;
    }

    @Override
    public double update(float[] weights, float[] gradient, float[] momentum, float gradientScale, float decayScale,
            float learningRate, float momentumFactor, float dampening, boolean nesterov, boolean firstMomentumStep) {
        requireSameLength(weights, gradient);
        int n = weights.length;
        if (momentumFactor == 0) {
            for (int i = 0; i < n; i++) {
                float d = gradientScale * gradient[i] + decayScale * weights[i];
                weights[i] -= learningRate * d;
            }
            return Double.NaN;
        }
        requireSameLength(weights, momentum);
        float keep = 1 - dampening;
        for (int i = 0; i < n; i++) {
            float d = gradientScale * gradient[i] + decayScale * weights[i];
            float buf = firstMomentumStep ? d : momentumFactor * momentum[i] + keep * d;
            momentum[i] = buf;
            float step = nesterov ? d + momentumFactor * buf : buf;
            weights[i] -= learningRate * step;
        }
        return Double.NaN;
    }

    @Override
    public void addLittleEndian(ByteBuffer source, int sourceByteOffset, float[] target, int targetOffset, int count) {
        ByteBuffer le = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            target[targetOffset + i] += le.getFloat(sourceByteOffset + 4 * i);
        }
    }

    @Override
    public boolean allFiniteLittleEndian(ByteBuffer source, int sourceByteOffset, int count) {
        ByteBuffer le = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            if (!Float.isFinite(le.getFloat(sourceByteOffset + 4 * i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean copyFiniteLittleEndian(ByteBuffer source, int sourceByteOffset, float[] target, int targetOffset,
            int count) {
        ByteBuffer le = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        boolean finite = true;
        for (int i = 0; i < count; i++) {
            float value = le.getFloat(sourceByteOffset + 4 * i);
            target[targetOffset + i] = value;
            finite &= Float.isFinite(value);
        }
        return finite;
    }

    @Override
    public String name() {
        return "scalar";
    }

    static void requireSameLength(float[] a, float[] b) {
        if (b == null || a.length != b.length) {
            throw new IllegalArgumentException("array lengths differ: " + a.length + " vs "
                    + (b == null ? "null" : String.valueOf(b.length)));
        }
    }
}
