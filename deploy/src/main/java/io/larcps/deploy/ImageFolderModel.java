package io.larcps.deploy;

import io.larcps.proto.control.TensorLayout;
import io.larcps.worker.GradientSource;
import io.larcps.worker.data.ImageFolderDataset;
import io.larcps.worker.model.Architecture;
import io.larcps.worker.model.Dl4jGradientSource;
import io.larcps.worker.model.TrainingImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.util.ModelSerializer;

/**
 * ResNet-50 on an image folder in the ImageNet layout: {@code DATA/train/<class>/*.png|jpg} for
 * training (random crop and flip) and, when present, {@code DATA/val/<class>/...} for evaluation
 * (centre crop); without val/ the training images are evaluated, centre-cropped.
 */
final class ImageFolderModel implements TrainableModel {
    private static final int EVALUATION_BATCH = 16;

    private final ImageFolderDataset train;
    private final ImageFolderDataset test;
    private final long seed;
    private Dl4jGradientSource evaluator;

    ImageFolderModel(Path data, int imageSize, long seed) throws IOException {
        Path trainDirectory = data.resolve("train");
        if (!Files.isDirectory(trainDirectory)) {
            throw new IOException(data + " has no train/ folder: resnet50 expects DATA/train/<class>/<image> "
                    + "(and optionally DATA/val/<class>/<image>)");
        }
        this.train = ImageFolderDataset.load(trainDirectory, imageSize);
        Path validation = data.resolve("val");
        this.test = Files.isDirectory(validation) ? ImageFolderDataset.load(validation, imageSize) : train;
        if (!test.classNames().equals(train.classNames())) {
            throw new IOException(validation + " has classes " + test.classNames() + ", train/ has " + train.classNames());
        }
        this.seed = seed;
    }

    @Override
    public String name() {
        return Architecture.RESNET50.id();
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
        return new Dl4jGradientSource(Architecture.RESNET50, TrainingImages.augmented(train), batchPerWorker, seed);
    }

    private synchronized Dl4jGradientSource evaluator() {
        if (evaluator == null) {
            evaluator = new Dl4jGradientSource(Architecture.RESNET50, TrainingImages.centred(train), EVALUATION_BATCH, seed);
        }
        return evaluator;
    }

    @Override
    public synchronized Evaluation evaluate(float[][] weights) {
        Dl4jGradientSource.Evaluation result = evaluator().evaluate(weights, TrainingImages.centred(test),
                Math.min(EVALUATION_BATCH, test.count()));
        return new Evaluation(result.loss(), result.accuracy());
    }

    @Override
    public synchronized Path save(float[][] weights, Path directory) throws IOException {
        Dl4jGradientSource source = evaluator();
        source.setWeights(weights);
        Path file = directory.resolve("model-resnet50.zip");
        ModelSerializer.writeModel(source.network().model(), file.toFile(), false);
        return file;
    }
}
