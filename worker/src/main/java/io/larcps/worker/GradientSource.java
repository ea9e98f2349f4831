package io.larcps.worker;

import io.larcps.proto.control.StepPlan;
import io.larcps.proto.control.TensorLayout;
import io.larcps.worker.transport.TensorValues;

/**
 * What a worker trains: a model's tensor layout, its initial weights, and its gradients. The worker
 * runs {@link #compute} on a dedicated dispatcher, never on Pekko's default one.
 */
public interface GradientSource {

    /** The model's tensors, in the order every worker reports them. */
    TensorLayout layout();

    /** The initial weights, one array per tensor of {@link #layout()}; rank 0's seed the job. */
    float[][] initialWeights();

    /**
     * This participant's part of a step: per tensor the gradient summed (not averaged) over its samples,
     * or for running statistics the value times the sample count, so the shards can weight by samples.
     *
     * @param weights the weights of version {@code plan.step}, one array per tensor; read only
     * @return sums the worker only reads, and is done with before it calls {@code compute} again, so a
     *     source may hand back the same arrays (or memory) every step. Sums in direct memory
     *     ({@link TensorValues#direct}) are pushed without a copy.
     */
    Contribution compute(float[][] weights, StepPlan plan, int participantIndex);

    /**
     * Binds the calling thread to accelerator {@code device} before {@link #compute} runs on it (compute
     * threads are shared, so this is called every step); a no-op for sources without devices.
     */
    default void bindDevice(int device) {
    }

    /** Per-tensor sums and the number of samples behind them. */
    record Contribution(TensorValues sums, long samples) {
        /** Sums in heap arrays, one per tensor. */
        public Contribution(float[][] sums, long samples) {
            this(TensorValues.of(sums), samples);
        }
    }
}
