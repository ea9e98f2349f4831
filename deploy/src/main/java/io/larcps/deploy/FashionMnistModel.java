package io.larcps.deploy;

import io.larcps.proto.control.TensorLayout;
import io.larcps.worker.GradientSource;
import io.larcps.worker.data.FashionMnist;
import io.larcps.worker.data.LabelledImages;
import io.larcps.worker.model.Architecture;
import io.larcps.worker.model.Dl4jGradientSource;
import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.util.ModelSerializer;

/** A DL4J model (mlp or cnn) on Fashion-MNIST: trained on the 60,000, evaluated on the 10,000. */
final class FashionMnistModel implements TrainableModel {
    private static final int EVALUATION_BATCH = 500;

    private final Architecture architecture;
    private final LabelledImages train;
    private final LabelledImages test;
    private final long seed;
    private Dl4jGradientSource evaluator;

    FashionMnistModel(Architecture architecture, Path directory, long seed) throws IOException {
        this.architecture = architecture;
        this.train = FashionMnist.train(directory);
        this.test = FashionMnist.test(directory);
        this.seed = seed;
    }

    @Override
    public String name() {
        return architecture.id();
    }

    @Override
    public TensorLayout layout() {
        return evaluator().layout();
    }

    @Override
    public long trainingSize() {
        return train.count();
    }

    @Override
    public GradientSource newSource(int batchPerWorker) {
        return new Dl4jGradientSource(architecture, train, batchPerWorker, seed);
    }

    /** A network of its own for evaluation, so it never races a worker's. */
    private synchronized Dl4jGradientSource evaluator() {
        if (evaluator == null) {
            evaluator = new Dl4jGradientSource(architecture, train, EVALUATION_BATCH, seed);
        }
        return evaluator;
    }

    @Override
    public synchronized Evaluation evaluate(float[][] weights) {
        Dl4jGradientSource.Evaluation result = evaluator().evaluate(weights, test, EVALUATION_BATCH);
        return new Evaluation(result.loss(), result.accuracy());
    }

    @Override
    public synchronized Path save(float[][] weights, Path directory) throws IOException {
        Dl4jGradientSource source = evaluator();
        source.setWeights(weights);
        Path file = directory.resolve("model-" + architecture.id() + ".zip");
        ModelSerializer.writeModel(source.network().model(), file.toFile(), false);
        return file;
    }
}
