package io.larcps.bench.optim;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * Cross-check for the bandwidth ratio: a triad and a vector-kernel step alternate within one operation,
 * each timed on its own. On a shared machine whose memory bandwidth drifts over seconds, the separate
 * {@code triad} and {@code larcps} benchmarks run minutes apart; here both halves of every ratio see the
 * same conditions.
 */
public class PairedBenchmark extends StandardSettings {

    @Benchmark
    public double paired(PairedState state, PairedTimes times) {
        long start = System.nanoTime();
        TriadBenchmark.triad(state.triad.a, state.triad.b, state.triad.c);
        long afterTriad = System.nanoTime();
        double factors = state.step.stepReturningFactors();
        long end = System.nanoTime();
        times.triadNanos += afterTriad - start;
        times.stepNanos += end - afterTriad;
        return factors;
    }
}
