package io.larcps.bench.optim;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cross-check for the bandwidth ratio: a triad and a vector-kernel step alternate within one operation,
 * each timed on its own. On a shared machine whose memory bandwidth drifts over seconds, the separate
 * {@code triad} and {@code larcps} benchmarks run minutes apart; here both halves of every ratio see the
 * same conditions.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
@Threads(1)
public class PairedBenchmark {

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
