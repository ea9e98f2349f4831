package io.larcps.deploy;

import io.larcps.deploy.cli.ModelOptions;
import io.larcps.deploy.sweep.RunResult;
import io.larcps.deploy.sweep.SweepRun;
import io.larcps.deploy.sweep.SweepSettings;
import io.larcps.server.coordinator.JobSpec;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Runs one run of a sweep as {@code larcps train} would, and keeps its report in {@code DIR/runs/<run>/}. */
final class SweepRunner {
    private final SweepSettings settings;
    private final ModelOptions model;
    private final Path directory;
    private final EmbeddedTraining training;

    SweepRunner(SweepSettings settings, ModelOptions model, Path directory, EmbeddedTraining training) {
        this.settings = settings;
        this.model = model;
        this.directory = directory;
        this.training = training;
    }

    RunResult run(SweepRun run) throws Exception {
        ModelOptions seeded = model.withSeed(run.seed());
        TrainableModel trainable = ModelCatalog.open(seeded);
        JobSpec spec = settings.spec(run, trainable.trainingSize());
        EmbeddedTraining.Result result = training.run(trainable, spec, seeded);
        String relative = "runs/" + run.directoryName();
        // Only the report: a sweep's value is its metrics; 24 copies of the weights would be noise.
        result.report().writeReport(directory.resolve(relative), trainable.layout(), null);
        List<TrainingReport.EpochMetrics> epochs = result.report().epochs().stream()
                .sorted(Comparator.comparingLong(TrainingReport.EpochMetrics::steps)).toList();
        if (epochs.isEmpty()) {
            throw new IllegalStateException("the run ended without a test evaluation");
        }
        TrainingReport.EpochMetrics last = epochs.get(epochs.size() - 1);
        double best = epochs.stream().mapToDouble(TrainingReport.EpochMetrics::accuracy).max().orElseThrow();
        double wall = result.report().wallSeconds();
        return new RunResult(run, trainable.name(), spec.workers(), spec.shards(), spec.schedule().scaledRate(),
                settings.epochs(), spec.totalSteps(), last.accuracy(), best, last.loss(), wall,
                spec.totalSteps() * spec.globalBatch() / wall, result.report().refusedGradients(), relative);
    }
}
