package io.larcps.deploy;

import io.larcps.deploy.cli.ModelOptions;
import io.larcps.worker.model.Architecture;
import java.io.IOException;
import java.util.Locale;

/** Turns {@code --model} and its data flags into a {@link TrainableModel}. */
final class ModelCatalog {
    static final String KNOWN = "mlp, cnn, resnet50, synthetic-mlp";

    private ModelCatalog() {
    }

    /**
     * @throws IllegalArgumentException for an unknown model name, and for data that cannot be read (the
     *     message names the file and the fix): both are the user's input, answered with exit code 2
     */
    static TrainableModel open(ModelOptions options) {
        try {
            return load(options);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the data of --model " + options.model() + ": "
                    + e.getMessage(), e);
        }
    }

    private static TrainableModel load(ModelOptions options) throws IOException {
        return switch (options.model().toLowerCase(Locale.ROOT)) {
            case "synthetic-mlp" -> new SyntheticModel(options.syntheticSamples(), options.seed());
            case "mlp" -> new FashionMnistModel(Architecture.MLP, options.data(), options.seed());
            case "cnn" -> new FashionMnistModel(Architecture.CNN, options.data(), options.seed());
            case "resnet50" -> new ImageFolderModel(options.data(), options.imageSize(), options.seed());
            default -> throw new IllegalArgumentException("--model '" + options.model() + "' is unknown; known: " + KNOWN);
        };
    }
}
