package io.larcps.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.larcps.deploy.cli.ModelOptions;
import io.larcps.proto.control.TensorKind;
import io.larcps.proto.control.TensorLayout;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.coordinator.TrainingCoordinator;
import io.larcps.worker.StepTimes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a training run learned and how fast, as printed per epoch and written to {@code report.json}:
 * the configuration, test loss and accuracy per epoch, samples per second, and the LARC factor per
 * tensor over the run (what LARC did to each layer's learning rate). Thread-safe: fed from the
 * coordinator's listener and the evaluation thread.
 */
final class TrainingReport {
    /**
     * Test metrics after a version (a number of steps), and where rank 0's time went up to that
     * version (cumulative; differences between epochs give the split of an epoch).
     */
    record EpochMetrics(long steps, double epoch, double loss, double accuracy, double seconds, StepTimes rank0Time) {
    }

    /** The trust factor of every tensor at one step (NaN where the rule did not apply). */
    record TrustSample(long step, double learningRate, List<Double> factors) {
    }

    private final String model;
    private final JobSpec job;
    private final ModelOptions options;
    private final List<EpochMetrics> epochs = new ArrayList<>();
    private final List<TrustSample> trust = new ArrayList<>();
    private final long trustEvery;
    private double wallSeconds;
    private int refusedGradients;
    private StepTimes rankZeroTimes;

    TrainingReport(String model, JobSpec job, ModelOptions options) {
        this.model = model;
        this.job = job;
        this.options = options;
        this.trustEvery = Math.max(1, job.totalSteps() / 200);
    }

    synchronized void stepCompleted(TrainingCoordinator.StepCompleted step) {
        refusedGradients += step.poisonedContributions();
        if (step.step() % trustEvery == 0 || step.step() == job.totalSteps() - 1) {
            trust.add(new TrustSample(step.step(), step.learningRate(), List.copyOf(step.trustFactors())));
        }
    }

    synchronized void evaluated(long steps, TrainableModel.Evaluation evaluation, double seconds, StepTimes rank0Time) {
        EpochMetrics metrics = new EpochMetrics(steps, steps / (double) job.stepsPerEpoch(), evaluation.loss(),
                evaluation.accuracy(), seconds, rank0Time);
        epochs.add(metrics);
        // A model without a loss (synthetic-mlp) says so rather than printing NaN.
        String loss = Double.isNaN(evaluation.loss()) ? "" : String.format("test loss %.4f, ", evaluation.loss());
        System.out.printf("after %d steps (epoch %.4g): %stest accuracy %.4f%n", steps, metrics.epoch(), loss,
                evaluation.accuracy());
    }

    /** Where rank 0's time went over the run, reported with the run's end. */
    synchronized void rankZeroTimes(StepTimes times) {
        rankZeroTimes = times;
    }

    synchronized void finished(double seconds) {
        wallSeconds = seconds;
        double samplesPerSecond = job.totalSteps() * job.globalBatch() / seconds;
        System.out.printf("done: %d steps in %.1f s (%.0f samples/s), final test accuracy %.4f%s%n", job.totalSteps(),
                seconds, samplesPerSecond, finalAccuracy(),
                refusedGradients > 0 ? ", " + refusedGradients + " gradient contributions refused (NaN/Inf)" : "");
        if (rankZeroTimes != null && rankZeroTimes.totalSeconds() > 0) {
            System.out.println(describe(rankZeroTimes));
        }
    }

    /** One line: where a worker's time went, as a user reads it. */
    static String describe(StepTimes times) {
        double total = times.totalSeconds();
        return String.format("worker time over %d steps: computing %.1f s (%.0f%%), pushing gradients %.1f s (%.0f%%), "
                + "pulling weights (incl. the shards' step) %.1f s (%.0f%%), waiting to start a step %.1f s (%.0f%%)",
                times.steps(), times.computeSeconds(), 100 * times.computeSeconds() / total, times.pushSeconds(),
                100 * times.pushSeconds() / total, times.pullSeconds(), 100 * times.pullSeconds() / total,
                times.waitingSeconds(), 100 * times.waitingSeconds() / total);
    }

    synchronized double finalAccuracy() {
        return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).accuracy();
    }

    synchronized double wallSeconds() {
        return wallSeconds;
    }

    synchronized int refusedGradients() {
        return refusedGradients;
    }

    synchronized List<EpochMetrics> epochs() {
        return List.copyOf(epochs);
    }

    synchronized List<TrustSample> trust() {
        return List.copyOf(trust);
    }

    private static void putTimes(ObjectNode node, StepTimes times) {
        node.put("steps", times.steps());
        node.put("compute_seconds", times.computeSeconds());
        node.put("push_seconds", times.pushSeconds());
        node.put("pull_seconds", times.pullSeconds());
        node.put("waiting_seconds", times.waitingSeconds());
    }

    /** Writes the weights as .npy, the model in its framework's format, and report.json naming it. */
    synchronized void write(Path directory, TrainableModel trainable, float[][] weights) throws IOException {
        Files.createDirectories(directory);
        WeightsExport.write(directory.resolve("weights"), trainable.layout(), weights);
        writeReport(directory, trainable.layout(), trainable.save(weights, directory));
    }

    /** Writes report.json alone (a sweep keeps the metrics of many runs, not their weights). */
    synchronized void writeReport(Path directory, TensorLayout layout, Path saved) throws IOException {
        Files.createDirectories(directory);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ObjectNode config = root.putObject("config");
        config.put("model", model);
        config.put("data", String.valueOf(options.data()));
        config.put("seed", options.seed());
        config.put("workers", job.workers());
        config.put("shards", job.shards());
        config.put("global_batch", job.globalBatch());
        config.put("steps", job.totalSteps());
        config.put("steps_per_epoch", job.stepsPerEpoch());
        config.putPOJO("optimizer", job.optimizer());
        config.putPOJO("schedule", job.schedule());
        config.put("peak_learning_rate", job.schedule().scaledRate());
        ArrayNode perEpoch = root.putArray("epochs");
        for (EpochMetrics metrics : epochs) {
            ObjectNode epoch = perEpoch.addObject();
            epoch.put("steps", metrics.steps());
            epoch.put("epoch", metrics.epoch());
            epoch.put("loss", metrics.loss());
            epoch.put("accuracy", metrics.accuracy());
            epoch.put("seconds", metrics.seconds());
            if (metrics.rank0Time() != null) {
                putTimes(epoch.putObject("rank0_time"), metrics.rank0Time());
            }
        }
        root.put("wall_seconds", wallSeconds);
        root.put("samples_per_second", job.totalSteps() * job.globalBatch() / wallSeconds);
        root.put("final_test_accuracy", finalAccuracy());
        root.put("refused_gradient_contributions", refusedGradients);
        if (rankZeroTimes != null) {
            putTimes(root.putObject("rank0_time"), rankZeroTimes);
        }
        ArrayNode names = root.putArray("tensors");
        layout.getTensorsList().forEach(tensor -> names.add(tensor.getName()));
        // Bias, BatchNorm and running statistics: their factor is 1 or NaN by rule, not LARC's doing.
        ArrayNode excluded = root.putArray("excluded_from_larc");
        layout.getTensorsList().stream()
                .filter(tensor -> tensor.getExcludeFromLarc() || tensor.getKind() == TensorKind.RUNNING_STATISTIC)
                .forEach(tensor -> excluded.add(tensor.getName()));
        ArrayNode trustSamples = root.putArray("trust_factors");
        trust.forEach(sample -> trustSamples.addPOJO(sample));
        if (saved != null) {
            root.put("model_file", directory.relativize(saved).toString());
        }
        json.writeValue(directory.resolve("report.json").toFile(), root);
    }
}
