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
 * STREAM's triad {@code a[i] = b[i] + s*c[i]} on float arrays as long as the parameter set: this
 * machine's single-thread memory bandwidth, measured in the same run as the optimizer step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
@Threads(1)
public class TriadBenchmark {

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
