package io.larcps.deploy;

import io.larcps.deploy.cli.ClusterOptions;
import io.larcps.deploy.cli.JobOptions;
import io.larcps.deploy.cli.ModelOptions;
import io.larcps.server.coordinator.JobSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a model on a parameter-server cluster embedded in this JVM.",
                "A coordinator, --shards parameter shards and --workers workers run in this process. Shows",
                "progress, evaluates on the test set after every epoch and, with --out, writes report.json,",
                "the model and its weights as .npy."})
final class TrainCommand implements Callable<Integer> {
    /** With the defaults (mlp, batch 256, LARC 0.02, cosine from 0.1), 5 epochs pass 0.85 test accuracy. */
    static final int DEFAULT_EPOCHS = 5;

    @Mixin
    ModelOptions model;

    @Mixin
    JobOptions job;

    @Option(names = "--out", description = "Directory for report.json, the trained model and weights/*.npy.")
    Path out;

    @Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        TrainableModel trainable = ModelCatalog.open(model);
        JobSpec spec = job.spec(trainable.trainingSize(), DEFAULT_EPOCHS);
        EmbeddedTraining.Result result = new EmbeddedTraining(cluster).run(trainable, spec, model);
        if (out != null) {
            result.report().write(out, trainable, result.weights());
            System.out.println("wrote " + out.resolve("report.json") + " and " + out.resolve("weights"));
        }
        return 0;
    }
}
