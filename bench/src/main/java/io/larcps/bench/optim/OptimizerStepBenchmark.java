package io.larcps.bench.optim;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * One full optimizer step (LARC + momentum SGD) over the 161 ResNet-50 tensors, 25,557,032 floats,
 * single-threaded, in three implementations. Each operation is 20-100 ms, so 2 s iterations hold
 * enough of them; three forks expose fork-to-fork variation (page placement, JIT) on a noisy box.
 */
public class OptimizerStepBenchmark extends StandardSettings {

    /** The shipped {@code LayerwiseOptimizer}: a norm pass and a fused update pass per tensor. */
    @Benchmark
    public double larcps(LarcpsState state) {
        return state.step.stepReturningFactors();
    }

    /** apex's sequence of single-operation passes, in plain Java. */
    @Benchmark
    public void naive(NaiveState state) {
        state.step.step();
    }

    /** The same sequence as ND4J ops on the nd4j-native CPU backend. */
    @Benchmark
    public void nd4j(Nd4jState state) {
        state.step.step();
    }
}
