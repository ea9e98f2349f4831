package io.larcps.worker.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's process-wide settings for the workers: float32 defaults and a bound on its native threads.
 * ND4J sizes its OpenMP pool and OpenBLAS by the host's cores, which in a container can be more than
 * the CPUs the JVM may use, and several workers in one JVM (or a worker beside the parameter servers)
 * would each believe they own every core. The bound is read from the system property
 * {@value #THREADS_PROPERTY} or the environment variable {@value #THREADS_ENV}; without either, ND4J's
 * own choice is kept but capped at {@link Runtime#availableProcessors()} (2 on the 2-core machines,
 * where ND4J picks 2 anyway).
 */
public final class Nd4jRuntime {
    public static final String THREADS_PROPERTY = "larcps.nd4j.threads";
    public static final String THREADS_ENV = "LARCPS_ND4J_THREADS";

    private static boolean configured;

    private Nd4jRuntime() {
    }

    /** Applies the defaults once per JVM; later calls do nothing. */
    public static synchronized void configure() {
        if (configured) {
            return;
        }
        String value = System.getProperty(THREADS_PROPERTY, System.getenv(THREADS_ENV));
        int threads = Math.min(Nd4j.getEnvironment().maxThreads(), Runtime.getRuntime().availableProcessors());
        if (value != null && !value.isBlank()) {
            try {
                threads = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(THREADS_PROPERTY + " must be a whole number, got '" + value + "'", e);
            }
        }
        limitThreads(threads);
        configured = true;
    }

    /** Bounds ND4J's OpenMP and OpenBLAS threads to {@code threads} (at least 1). */
    public static synchronized void limitThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ND4J threads must be >= 1, got " + threads);
        }
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        configured = true;
    }

    /** The current bound on ND4J's OpenMP threads. */
    public static int threads() {
        return Nd4j.getEnvironment().maxThreads();
    }
}
