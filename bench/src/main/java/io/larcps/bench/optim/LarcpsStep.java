package io.larcps.bench.optim;

import io.larcps.server.optim.LayerwiseOptimizer;
import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.TensorState;
import io.larcps.server.optim.UpdateKernel;
import java.util.ArrayList;
import java.util.List;

/**
 * The shipped path: {@link LayerwiseOptimizer} on a given kernel, one norm pass and one fused update
 * pass per tensor. Takes ownership of the problem's weight arrays (no copy: the benchmark holds
 * 25M-element arrays three times already).
 */
public final class LarcpsStep implements OptimizerStep {
    private final LayerwiseOptimizer optimizer;
    private final List<TensorState> tensors = new ArrayList<>();
    private final float[][] gradients;
    private final double learningRate;

    public LarcpsStep(StepProblem problem, OptimizerSettings settings, double learningRate, UpdateKernel kernel) {
        this.optimizer = new LayerwiseOptimizer(settings, kernel);
        this.gradients = problem.gradients();
        this.learningRate = learningRate;
        for (int t = 0; t < problem.tensors().size(); t++) {
            // apex applies LARC to every tensor, BatchNorm and bias included: no exclusions here.
            tensors.add(TensorState.of(problem.tensors().get(t).name(), problem.weights()[t]));
        }
    }

    @Override
    public void step() {
        stepReturningFactors();
    }

    /** The step, returning the sum of the trust factors so JMH has a value that depends on all of it. */
    public double stepReturningFactors() {
        double factors = 0;
        for (int t = 0; t < tensors.size(); t++) {
            factors += optimizer.step(tensors.get(t), gradients[t], 1f, learningRate);
        }
        return factors;
    }

    @Override
    public float[][] weights() {
        return tensors.stream().map(tensor -> tensor.weights().clone()).toArray(float[][]::new);
    }

    @Override
    public float[][] momentum() {
        return tensors.stream()
                .map(tensor -> tensor.momentum() == null ? null : tensor.momentum().clone())
                .toArray(float[][]::new);
    }
}
