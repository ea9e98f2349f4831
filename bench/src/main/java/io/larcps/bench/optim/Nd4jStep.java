package io.larcps.bench.optim;

import io.larcps.server.optim.OptimizerSettings;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The step written with ND4J ops on FLOAT INDArrays (flat, since every op is element-wise or a full
 * norm), one op per pass, in place: {@code assign}, {@code norm2Number}, BLAS {@code axpy} for
 * {@code y += a*x} (ND4J's {@code addi(x.mul(a))} would allocate a temporary per call), {@code muli},
 * {@code addi}. Like {@link NaiveStep} it works on a scratch copy of the gradient.
 */
public final class Nd4jStep implements OptimizerStep {
    private final OptimizerSettings settings;
    private final double learningRate;
    private final Level1 blas;
    private final INDArray[] weights;
    private final INDArray[] gradients;
    private final INDArray[] scratch;
    private final INDArray[] momentum;
    private boolean warmed;

    public Nd4jStep(StepProblem problem, OptimizerSettings settings, double learningRate) {
        this.settings = LarcOnly.require(settings);
        this.learningRate = learningRate;
        this.blas = Nd4j.getBlasWrapper().level1();
        int count = problem.tensors().size();
        weights = new INDArray[count];
        gradients = new INDArray[count];
        scratch = new INDArray[count];
        momentum = new INDArray[count];
        for (int t = 0; t < count; t++) {
            weights[t] = Nd4j.createFromArray(problem.weights()[t]);
            gradients[t] = Nd4j.createFromArray(problem.gradients()[t]);
            scratch[t] = Nd4j.create(DataType.FLOAT, problem.weights()[t].length);
            momentum[t] = Nd4j.create(DataType.FLOAT, problem.weights()[t].length);
        }
    }

    @Override
    public void step() {
        for (int t = 0; t < weights.length; t++) {
            stepTensor(weights[t], gradients[t], scratch[t], momentum[t]);
        }
        warmed = true;
    }

    private void stepTensor(INDArray p, INDArray input, INDArray g, INDArray buf) {
        long n = p.length();
        g.assign(input);
        double weightNorm = p.norm2Number().doubleValue();
        double gradientNorm = g.norm2Number().doubleValue();
        if (LarcOnly.applies(weightNorm, gradientNorm)) {
            double local = LarcOnly.localRate(settings, weightNorm, gradientNorm, learningRate);
            blas.axpy(n, settings.weightDecay(), p, g);
            g.muli(local);
        }
        if (warmed) {
            buf.muli(settings.momentum()).addi(g);
        } else {
            buf.assign(g);
        }
        blas.axpy(n, -learningRate, buf, p);
    }

    @Override
    public float[][] weights() {
        return toFloats(weights);
    }

    @Override
    public float[][] momentum() {
        return warmed ? toFloats(momentum) : new float[weights.length][];
    }

    private static float[][] toFloats(INDArray[] arrays) {
        float[][] copy = new float[arrays.length][];
        for (int t = 0; t < arrays.length; t++) {
            copy[t] = arrays[t].toFloatVector();
        }
        return copy;
    }
}
