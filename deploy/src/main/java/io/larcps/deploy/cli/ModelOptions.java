package io.larcps.deploy.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which model trains on which data; every worker and the coordinator of a job pass the same values. */
public final class ModelOptions {

    @Option(names = "--model", defaultValue = "mlp",
            description = "Model to train: mlp (784-256-10) or cnn (two conv layers with BatchNorm) on Fashion-MNIST, "
                    + "resnet50 on an image folder, or synthetic-mlp (a small ReLU network on seeded synthetic "
                    + "blobs, no data needed); default ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "Data directory: Fashion-MNIST IDX files (from 'apt-get install -y dataset-fashion-mnist') "
                    + "or, for resnet50, an image folder with train/ and val/ sub-folders of one folder per class; "
                    + "default ${DEFAULT-VALUE}.")
    Path data;

    @Option(names = "--image-size", defaultValue = "64",
            description = "Input size in pixels for resnet50 (at least 32); default ${DEFAULT-VALUE}.")
    int imageSize;

    @Option(names = "--synthetic-samples", defaultValue = "4096",
            description = "Training-set size of synthetic-mlp; default ${DEFAULT-VALUE}.")
    int syntheticSamples;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the initial weights, the data order and the augmentation; default ${DEFAULT-VALUE}.")
    long seed;

    /** The same model and data with another seed (a sweep's repeats of one cell). */
    public ModelOptions withSeed(long otherSeed) {
        ModelOptions copy = new ModelOptions();
        copy.model = model;
        copy.data = data;
        copy.imageSize = imageSize;
        copy.syntheticSamples = syntheticSamples;
        copy.seed = otherSeed;
        return copy;
    }

    public String model() {
        return model;
    }

    public Path data() {
        return data;
    }

    public int imageSize() {
        return imageSize;
    }

    public int syntheticSamples() {
        return syntheticSamples;
    }

    public long seed() {
        return seed;
    }
}
