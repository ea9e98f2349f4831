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

    /**
     * Loads ND4J's backend, or fails with an {@link IllegalStateException} that says which backend this
     * build carries and what it needs, instead of the class-initialisation error ND4J throws.
     */
    public static synchronized void requireBackend() {
        try {
            Nd4j.getBackend();
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new IllegalStateException("no ND4J backend could be loaded (" + cause.getMessage() + "). This build "
                    + "carries " + (onClasspath("org.nd4j.linalg.jcublas.JCublasBackend")
                            ? "the CUDA backend (built with -Pcuda), which needs an NVIDIA GPU of the Kepler to Ampere"
                                    + " generations, its driver (libcuda.so.1) and CUDA 11.6 with cuDNN 8.3"
                            : "the CPU backend (nd4j-native for linux-x86_64)")
                    + "; see the ND4J warnings above for the library that failed", e);
        }
    }

    private static boolean onClasspath(String className) {
        try {
            Class.forName(className, false, Nd4jRuntime.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Applies the defaults once per JVM; later calls do nothing. */
    public static synchronized void configure() {
        if (configured) {
            return;
        }
        requireBackend();
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
