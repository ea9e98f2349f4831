package io.larcps.deploy.cli;

import io.larcps.server.coordinator.JobSpec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A training job as the coordinator runs it. */
public final class JobOptions {

    @Option(names = "--job-id", defaultValue = "larcps", description = "Name of the job; default ${DEFAULT-VALUE}.")
    String jobId;

    @Option(names = "--workers", defaultValue = "1",
            description = "Workers (devices) that must register before training starts; default ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--shards", defaultValue = "1",
            description = "Parameter shards the model is split over; default ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--global-batch", defaultValue = "256",
            description = "Samples per step over all workers; must divide by --workers; default ${DEFAULT-VALUE}.")
    int globalBatch;

    @ArgGroup(exclusive = true)
    Length length = new Length();

    static final class Length {
        @Option(names = "--epochs", description = "Passes over the training set (default: 5 for train, else 1).")
        Integer epochs;

        @Option(names = "--max-steps", description = "Steps to run, instead of --epochs.")
        Long steps;
    }

    @Option(names = "--async",
            description = "Asynchronous mode: shards apply each worker's gradient as it arrives and every worker runs "
                    + "the job's steps on its own clock (default: synchronous steps, K workers = one process).")
    boolean asynchronous;

    @Option(names = "--staleness", defaultValue = "1",
            description = "With --async, how many steps a worker may run ahead of the slowest (0 is lock-step); "
                    + "default ${DEFAULT-VALUE}.")
    long staleness;

    @Mixin
    OptimizerOptions optimizer;

    @Mixin
    ScheduleOptions schedule;

    public JobSpec spec(long datasetSize) {
        return spec(datasetSize, 1);
    }

    /** @param defaultEpochs the run's length when neither --epochs nor --max-steps is given */
    public JobSpec spec(long datasetSize, int defaultEpochs) {
        if (globalBatch <= 0 || workers <= 0 || shards <= 0) {
            throw new IllegalArgumentException("--global-batch, --workers and --shards must be > 0");
        }
        if (globalBatch % workers != 0) {
            throw new IllegalArgumentException("--global-batch " + globalBatch + " does not divide by --workers " + workers);
        }
        long stepsPerEpoch = datasetSize / globalBatch;
        if (stepsPerEpoch == 0) {
            throw new IllegalArgumentException("--global-batch " + globalBatch + " is larger than the " + datasetSize
                    + " training samples");
        }
        long steps = length.steps != null ? length.steps : stepsPerEpoch * (length.epochs == null ? defaultEpochs : length.epochs);
        if (steps <= 0) {
            throw new IllegalArgumentException("--max-steps and --epochs must be > 0");
        }
        if (staleness < 0) {
            throw new IllegalArgumentException("--staleness must be >= 0");
        }
        JobSpec spec = new JobSpec(jobId, workers, shards, globalBatch, steps, datasetSize, optimizer.settings(),
                schedule.settings(globalBatch, steps));
        return asynchronous ? spec.asynchronous(staleness) : spec;
    }

    public String jobId() {
        return jobId;
    }

    public int batchPerWorker() {
        return globalBatch / workers;
    }
}
