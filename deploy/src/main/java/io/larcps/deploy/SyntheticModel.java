package io.larcps.deploy;

import io.larcps.proto.control.TensorLayout;
import io.larcps.worker.GradientSource;
import io.larcps.worker.synthetic.SyntheticMlp;
import java.nio.file.Path;

/** The synthetic MLP: no data files, no framework; evaluated on its own training blobs. */
final class SyntheticModel implements TrainableModel {
    private final int samples;
    private final long seed;
    private final SyntheticMlp evaluator;

    SyntheticModel(int samples, long seed) {
        this.samples = samples;
        this.seed = seed;
        this.evaluator = newMlp();
    }

    private SyntheticMlp newMlp() {
        return new SyntheticMlp(samples, 32, 64, 10, seed);
    }

    @Override
    public String name() {
        return "synthetic-mlp";
    }

    @Override
    public TensorLayout layout() {
        return evaluator.layout();
    }

    @Override
    public long trainingSize() {
        return samples;
    }

    @Override
    public GradientSource newSource(int batchPerWorker) {
        return newMlp();
    }

    @Override
    public Evaluation evaluate(float[][] weights) {
        return new Evaluation(Double.NaN, evaluator.accuracy(weights));
    }

    @Override
    public Path save(float[][] weights, Path directory) {
        return null;
    }
}
