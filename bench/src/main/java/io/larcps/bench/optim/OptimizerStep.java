package io.larcps.bench.optim;

/**
 * One implementation of the full optimizer step over every tensor of a {@link StepProblem}. The
 * gradients are inputs and stay untouched, so the same step can be timed again and again.
 */
public interface OptimizerStep {

    /** Steps every tensor once; the first call is the first momentum step (buffer = gradient). */
    void step();

    /** Copies of the current weights, one array per tensor. */
    float[][] weights();

    /** Copies of the momentum buffers, one array per tensor (null entries before the first step). */
    float[][] momentum();
}
