package io.larcps.server.optim;

/** Chooses the fastest {@link UpdateKernel} this JVM can run. */
public final class UpdateKernels {
    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private UpdateKernels() {
    }

    /**
     * The Vector API kernel when the JVM was started with {@code --add-modules jdk.incubator.vector},
     * else the scalar one (about 20% slower on a memory-bound step, still exact).
     */
    public static UpdateKernel best() {
        return vectorAvailable() ? new VectorKernel() : new ScalarKernel();
    }

    /** The Vector API kernel; fails with a clear message when the module is not loaded. */
    public static UpdateKernel vector() {
        if (!vectorAvailable()) {
            throw new IllegalStateException("the Vector API kernel needs the JVM flag --add-modules " + VECTOR_MODULE);
        }
        return new VectorKernel();
    }

    /**
     * Runs every loop of {@code kernel} on small inputs until the JIT has compiled them. Until then the
     * Vector API runs in the interpreter about a hundred times slower than scalar code, which would
     * make a node's first steps take seconds; a node calls this once at start (a few hundred ms).
     */
    public static void warmUp(UpdateKernel kernel) {
        int n = 64;
        float[] weights = new float[n];
        float[] gradient = new float[n];
        float[] momentum = new float[n];
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(4 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            weights[i] = 1e-3f * i;
            gradient[i] = 1e-4f;
            direct.putFloat(4 * i, 1e-6f);
        }
        // Every call writes the arrays, so the JIT cannot drop the work as dead.
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            weights[round % n] = (float) kernel.squaredNorms(weights, gradient)[0];
            gradient[round % n] = (float) kernel.squaredNorm(gradient);
            kernel.update(weights, gradient, momentum, 1e-3f, 0f, 1e-6f, 0.9f, 0f, false, round == 0);
            kernel.addLittleEndian(direct, 0, gradient, 0, n);
            momentum[round % n] = kernel.allFiniteLittleEndian(direct, 0, n) ? 0f : 1f;
        }
    }

    /** Enough calls for C2 (about 10,000 invocations or loop back-edges) with a margin. */
    private static final int WARM_UP_ROUNDS = 12_000;

    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }
}
