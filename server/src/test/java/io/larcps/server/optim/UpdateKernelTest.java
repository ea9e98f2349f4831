package io.larcps.server.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Both kernels agree, stay exact on long reductions, and read off-heap gradients correctly. */
class UpdateKernelTest {
    private final UpdateKernel scalar = new ScalarKernel();
    private final UpdateKernel vector = UpdateKernels.vector();

    @Test
    void kernelsAgreeOnEveryLengthIncludingVectorTails() {
        Random random = new Random(21);
        for (int n : new int[] {1, 7, 8, 9, 31, 64, 1000, 8191, 8192, 8193, 70_001}) {
            float[] weights = LayerwiseOptimizerTest.gaussian(random, n, 0.1);
            float[] gradient = LayerwiseOptimizerTest.gaussian(random, n, 1e-3);
            double[] s = scalar.squaredNorms(weights, gradient);
            double[] v = vector.squaredNorms(weights, gradient);
            assertThat(v[0]).as("n=%d", n).isCloseTo(s[0], within(1e-6 * s[0]));
            assertThat(v[1]).as("n=%d", n).isCloseTo(s[1], within(1e-6 * s[1]));

            for (boolean nesterov : new boolean[] {false, true}) {
                float[] ws = weights.clone();
                float[] wv = weights.clone();
                float[] ms = new float[n];
                float[] mv = new float[n];
                for (int step = 0; step < 3; step++) {
                    scalar.update(ws, gradient, ms, 0.7f, 3e-4f, 0.4f, 0.9f, 0f, nesterov, step == 0);
                    vector.update(wv, gradient, mv, 0.7f, 3e-4f, 0.4f, 0.9f, 0f, nesterov, step == 0);
                }
                for (int i = 0; i < n; i++) {
                    assertThat(wv[i]).isCloseTo(ws[i], within(1e-6f * Math.abs(ws[i]) + 1e-9f));
                    assertThat(mv[i]).isCloseTo(ms[i], within(1e-5f * Math.abs(ms[i]) + 1e-9f));
                }
            }
        }
    }

    @Test
    void dampeningScalesNewGradientIntoTheBuffer() {
        for (UpdateKernel kernel : new UpdateKernel[] {scalar, vector}) {
            float[] weights = new float[17];
            float[] momentum = new float[17];
            float[] gradient = new float[17];
            java.util.Arrays.fill(gradient, 1f);
            kernel.update(weights, gradient, momentum, 1f, 0f, 1f, 0.5f, 0.25f, false, true);
            kernel.update(weights, gradient, momentum, 1f, 0f, 1f, 0.5f, 0.25f, false, false);
            assertThat(momentum).as(kernel.name()).containsOnly(0.5f * 1f + 0.75f * 1f);
            assertThat(weights).as(kernel.name()).containsOnly(-1f - 1.25f);
        }
    }

    @Test
    void normsOfAResNetSizedTensorAreExactToOnePartPerMillion() {
        int n = 25_557_032;
        Random random = new Random(22);
        float[] weights = new float[n];
        float[] gradient = new float[n];
        double exactWeights = 0;
        double exactGradient = 0;
        for (int i = 0; i < n; i++) {
            // A positive offset makes a float accumulator drift the most: every term has the same sign.
            weights[i] = (float) (0.05 + random.nextGaussian() * 0.05);
            gradient[i] = (float) (random.nextGaussian() * 1e-3);
            exactWeights += (double) weights[i] * weights[i];
            exactGradient += (double) gradient[i] * gradient[i];
        }
        for (UpdateKernel kernel : new UpdateKernel[] {scalar, vector}) {
            double[] got = kernel.squaredNorms(weights, gradient);
            assertThat(Math.sqrt(got[0])).as(kernel.name())
                    .isCloseTo(Math.sqrt(exactWeights), within(1e-6 * Math.sqrt(exactWeights)));
            assertThat(Math.sqrt(got[1])).as(kernel.name())
                    .isCloseTo(Math.sqrt(exactGradient), within(1e-6 * Math.sqrt(exactGradient)));
        }
    }

    @Test
    void offHeapLittleEndianGradientsAddAtAnyOffset() {
        Random random = new Random(23);
        int count = 1037;
        int byteOffset = 12;
        ByteBuffer direct = ByteBuffer.allocateDirect(byteOffset + 4 * count).order(ByteOrder.BIG_ENDIAN);
        float[] values = LayerwiseOptimizerTest.gaussian(random, count, 1.0);
        ByteBuffer le = direct.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            le.putFloat(byteOffset + 4 * i, values[i]);
        }
        for (UpdateKernel kernel : new UpdateKernel[] {scalar, vector}) {
            float[] target = new float[count + 5];
            java.util.Arrays.fill(target, 1f);
            kernel.addLittleEndian(direct, byteOffset, target, 5, count);
            for (int i = 0; i < count; i++) {
                assertThat(target[5 + i]).as(kernel.name()).isEqualTo(1f + values[i]);
            }
            assertThat(target[0]).isEqualTo(1f);
            assertThat(direct.order()).as("the caller's byte order is left alone").isEqualTo(ByteOrder.BIG_ENDIAN);
            assertThat(kernel.allFiniteLittleEndian(direct, byteOffset, count)).isTrue();
        }
    }

    @Test
    void warmingUpLeavesTheCallersDataAloneAndWorksForBothKernels() {
        float[] weights = {1f, 2f, 3f};
        for (UpdateKernel kernel : new UpdateKernel[] {scalar, vector}) {
            UpdateKernels.warmUp(kernel);
            assertThat(kernel.squaredNorm(weights)).isEqualTo(14.0);
        }
    }

    @Test
    void aSingleNanOrInfinityAnywhereIsFound() {
        int count = 100;
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            for (int position : new int[] {0, 7, 8, 63, 99}) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(4 * count).order(ByteOrder.LITTLE_ENDIAN);
                buffer.putFloat(4 * position, bad);
                assertThat(scalar.allFiniteLittleEndian(buffer, 0, count)).isFalse();
                assertThat(vector.allFiniteLittleEndian(buffer, 0, count)).as("%s at %d", bad, position).isFalse();
            }
        }
    }

    @Test
    void aCheckedCopyCopiesEveryFloatAndSaysWhetherAllWereFinite() {
        int count = 1037;
        int byteOffset = 12;
        float[] values = LayerwiseOptimizerTest.gaussian(new java.util.Random(5), count, 1.0);
        ByteBuffer direct = ByteBuffer.allocateDirect(byteOffset + 4 * count).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer le = direct.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            le.putFloat(byteOffset + 4 * i, values[i]);
        }
        for (UpdateKernel kernel : new UpdateKernel[] {scalar, vector}) {
            float[] target = new float[count + 3];
            assertThat(kernel.copyFiniteLittleEndian(direct, byteOffset, target, 3, count)).as(kernel.name()).isTrue();
            assertThat(java.util.Arrays.copyOfRange(target, 3, count + 3)).as(kernel.name()).containsExactly(values);
            assertThat(target[0]).isZero();
            assertThat(direct.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        }
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            // in the vector part, in the tail, first and last
            for (int position : new int[] {0, 7, 8, 1000, count - 1}) {
                float old = le.getFloat(byteOffset + 4 * position);
                le.putFloat(byteOffset + 4 * position, bad);
                for (UpdateKernel kernel : new UpdateKernel[] {scalar, vector}) {
                    assertThat(kernel.copyFiniteLittleEndian(direct, byteOffset, new float[count], 0, count))
                            .as("%s: %s at %d", kernel.name(), bad, position).isFalse();
                }
                le.putFloat(byteOffset + 4 * position, old);
            }
        }
        // Negative zeros, the extremes and subnormals are finite, in the vector part and in the tail.
        for (float edge : new float[] {-0f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_NORMAL / 2}) {
            for (int position : new int[] {0, count - 1}) {
                le.putFloat(byteOffset + 4 * position, edge);
                for (UpdateKernel kernel : new UpdateKernel[] {scalar, vector}) {
                    float[] target = new float[count + 2];
                    assertThat(kernel.copyFiniteLittleEndian(direct, byteOffset, target, 1, count))
                            .as("%s: %s at %d", kernel.name(), edge, position).isTrue();
                    assertThat(target[1 + position]).isEqualTo(edge);
                    assertThat(target[0]).isZero();
                    assertThat(target[count + 1]).as("past the range").isZero();
                }
            }
        }
    }
}
