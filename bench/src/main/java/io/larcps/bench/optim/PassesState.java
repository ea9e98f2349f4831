package io.larcps.bench.optim;

import io.larcps.server.optim.UpdateKernel;
import io.larcps.server.optim.UpdateKernels;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The vector kernel and the ResNet-50 arrays, for timing the step's two passes one at a time. */
@State(Scope.Thread)
public class PassesState {
    /** The decay and gradient scale the benchmarked step ends up with: its trust ratio clips to 1. */
    static final float DECAY = (float) StepConfig.SETTINGS.weightDecay();

    UpdateKernel kernel;
    float[][] weights;
    float[][] gradients;
    float[][] momentum;

    @Setup(Level.Trial)
    public void setUp() {
        kernel = UpdateKernels.vector();
        StepProblem problem = StepConfig.resnet50Problem();
        weights = problem.weights();
        gradients = problem.gradients();
        momentum = new float[weights.length][];
        for (int t = 0; t < weights.length; t++) {
            // A warmed buffer, as after a first step: every timed update is a non-first momentum step.
            momentum[t] = gradients[t].clone();
        }
    }
}
