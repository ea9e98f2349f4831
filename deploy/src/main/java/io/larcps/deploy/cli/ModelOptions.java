package io.larcps.deploy.cli;

import io.larcps.worker.GradientSource;
import io.larcps.worker.synthetic.SyntheticMlp;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Which model trains on which data; every worker and the coordinator of a job pass the same values. */
public final class ModelOptions {

    @Option(names = "--model", defaultValue = "synthetic-mlp",
            description = "Model to train: synthetic-mlp (a small ReLU network on seeded synthetic blobs); "
                    + "default ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--synthetic-samples", defaultValue = "4096",
            description = "Training-set size of synthetic-mlp; default ${DEFAULT-VALUE}.")
    int syntheticSamples;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the data, the initial weights and the per-epoch sample order; default ${DEFAULT-VALUE}.")
    long seed;

    /** A fresh source per worker: sources keep per-thread state. */
    public GradientSource source() {
        return switch (model.toLowerCase(Locale.ROOT)) {
            case "synthetic-mlp" -> new SyntheticMlp(syntheticSamples, 32, 64, 10, seed);
            default -> throw new IllegalArgumentException("--model '" + model + "' is unknown; known: synthetic-mlp");
        };
    }

    /** Samples in one epoch of the training set. */
    public long datasetSize() {
        source();
        return syntheticSamples;
    }
}
