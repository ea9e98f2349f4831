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

    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }
}
