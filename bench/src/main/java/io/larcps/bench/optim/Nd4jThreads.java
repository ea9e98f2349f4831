package io.larcps.bench.optim;

import java.util.List;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keeps ND4J on one thread so it competes with the single-threaded Java variants on equal terms.
 *
 * <p>Two layers: libnd4j's own thread pool and OpenBLAS are capped from Java here; OpenMP reads
 * {@code OMP_NUM_THREADS} when the native library loads, which only the environment of the process can
 * set (bench/optimizer.sh exports it before starting JMH, whose forks inherit it).
 */
public final class Nd4jThreads {
    static final List<String> ENVIRONMENT = List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS");

    private Nd4jThreads() {
    }

    /** Caps ND4J's and OpenBLAS's threads at one. */
    public static void useOneThread() {
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
    }

    /** Fails unless the process was started with every threading variable at 1: a benchmark must not guess. */
    public static void requireOneThreadEnvironment() {
        for (String name : ENVIRONMENT) {
            if (!"1".equals(System.getenv(name))) {
                throw new IllegalStateException(name + " is " + System.getenv(name)
                        + "; run the ND4J benchmark with " + String.join("=1 ", ENVIRONMENT)
                        + "=1 in the environment (bench/optimizer.sh sets them)");
            }
        }
    }
}
