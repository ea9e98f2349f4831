package io.larcps.deploy.sweep;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.larcps.server.coordinator.JobSpec;
import io.larcps.server.optim.ScheduleSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything of a sweep that is the same in every run: the model and data, the epoch budget, the
 * schedule and the optimizer's hyper-parameters, the cluster's shape. Only batch, optimizer rule and
 * seed vary. Kept in {@code DIR/sweep.json} so a resumed sweep never mixes runs of different settings.
 *
 * @param epochs passes over the training set, the same for every batch (large batches take fewer steps)
 * @param warmupEpochs linear warmup to the scaled rate, in epochs (so in fewer steps at large batch)
 * @param baseLr the learning rate at {@code referenceBatch}; the peak is {@code baseLr * batch / referenceBatch}
 * @param decay {@code cosine}, {@code polynomial} (power 2) or {@code constant} after the warmup
 * @param larcMode {@code clip} (apex's default) or {@code scale}
 */
public record SweepSettings(String model, String data, int syntheticSamples, int imageSize, int epochs,
        double warmupEpochs, double baseLr, int referenceBatch, String decay, double momentum, double weightDecay,
        String larcMode, int workers, int shards) {
    private static final String FILE = "sweep.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SweepSettings {
        if (epochs <= 0) {
            throw new IllegalArgumentException("--epochs must be > 0, got " + epochs);
        }
        if (!(warmupEpochs >= 0 && warmupEpochs <= epochs)) {
            throw new IllegalArgumentException("--warmup-epochs must be in [0, --epochs], got " + warmupEpochs);
        }
        if (!(baseLr > 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("--base-lr must be > 0, got " + baseLr);
        }
        if (referenceBatch <= 0) {
            throw new IllegalArgumentException("--reference-batch must be > 0, got " + referenceBatch);
        }
        if (!List.of("cosine", "polynomial", "constant").contains(decay)) {
            throw new IllegalArgumentException("--decay must be cosine, polynomial or constant, not '" + decay + "'");
        }
        if (!List.of("clip", "scale").contains(larcMode)) {
            throw new IllegalArgumentException("--larc-mode must be clip or scale, not '" + larcMode + "'");
        }
        if (workers <= 0 || shards <= 0) {
            throw new IllegalArgumentException("--workers and --shards must be > 0");
        }
        // OptimizerSettings owns the rules for momentum and weight decay; ask it now, not at the first run.
        new OptimizerChoice("sgd", 0).settings(momentum, weightDecay, true);
    }

    /**
     * The job of one run on a training set of {@code trainingSize} samples.
     *
     * @throws IllegalArgumentException when the batch does not divide by the workers or exceeds the data
     */
    public JobSpec spec(SweepRun run, long trainingSize) {
        int batch = run.batch();
        if (batch <= 0 || batch % workers != 0) {
            throw new IllegalArgumentException("batch " + batch + " does not divide by --workers " + workers);
        }
        long stepsPerEpoch = trainingSize / batch;
        if (stepsPerEpoch == 0) {
            throw new IllegalArgumentException("batch " + batch + " is larger than the " + trainingSize
                    + " training samples");
        }
        long steps = stepsPerEpoch * epochs;
        long warmupSteps = Math.round(warmupEpochs * stepsPerEpoch);
        ScheduleSettings schedule = new ScheduleSettings(decay, baseLr, referenceBatch, batch, warmupSteps, steps, 0, 2,
                steps, 1);
        return new JobSpec("sweep", workers, shards, batch, steps, trainingSize,
                run.optimizer().settings(momentum, weightDecay, larcMode.equals("clip")), schedule);
    }

    /** The settings a directory's earlier runs used, if it has any. */
    public static SweepSettings read(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        return Files.exists(file) ? JSON.readValue(file.toFile(), SweepSettings.class) : null;
    }

    public void write(Path directory) throws IOException {
        JSON.writeValue(directory.resolve(FILE).toFile(), this);
    }

    /** Each setting that differs, as {@code epochs 3 there, 20 here}. */
    public List<String> differences(SweepSettings there) {
        Map<String, Object> mine = JSON.convertValue(this, new TypeReference<Map<String, Object>>() { });
        Map<String, Object> theirs = JSON.convertValue(there, new TypeReference<Map<String, Object>>() { });
        List<String> differences = new ArrayList<>();
        mine.forEach((name, value) -> {
            if (!value.equals(theirs.get(name))) {
                differences.add(name + " " + theirs.get(name) + " there, " + value + " here");
            }
        });
        return differences;
    }
}
