package io.larcps.bench.optim;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * STREAM's triad {@code a[i] = b[i] + s*c[i]} on float arrays as long as the parameter set: this
 * machine's single-thread memory bandwidth, measured in the same run as the optimizer step.
 */
public class TriadBenchmark extends StandardSettings {

    @Benchmark
    public void triad(TriadState state) {
        triad(state.a, state.b, state.c);
    }

    /** {@code a = b + 3c}, the loop C2 vectorises; shared with {@link PairedBenchmark}. */
    static void triad(float[] a, float[] b, float[] c) {
        float s = TriadState.SCALAR;
        for (int i = 0; i < a.length; i++) {
            a[i] = b[i] + s * c[i];
        }
    }
}
