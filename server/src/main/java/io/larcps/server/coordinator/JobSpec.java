package io.larcps.server.coordinator;

import io.larcps.server.optim.LearningRateSchedule;
import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.ScheduleSettings;

/**
 * A training job as the coordinator runs it.
 *
 * @param workers how many workers must register before training starts
 * @param shards how many parameter shards the model is split over
 * @param globalBatch samples per step over all workers; each worker takes {@code globalBatch / workers}
 * @param totalSteps steps to run
 * @param samplesPerEpoch size of the training set, to number epochs and place each step's slice
 * @param asynchronous apply each worker's contribution on arrival (each worker runs {@code totalSteps}
 *     steps of its own) instead of synchronous steps
 * @param staleness in asynchronous mode, how many steps a worker may be ahead of the slowest one
 *     ({@code Long.MAX_VALUE}: unbounded; 0 is lock-step)
 */
public record JobSpec(String jobId, int workers, int shards, int globalBatch, long totalSteps, long samplesPerEpoch,
        OptimizerSettings optimizer, ScheduleSettings schedule, boolean asynchronous, long staleness) {

    /** A synchronous job. */
    public JobSpec(String jobId, int workers, int shards, int globalBatch, long totalSteps, long samplesPerEpoch,
            OptimizerSettings optimizer, ScheduleSettings schedule) {
        this(jobId, workers, shards, globalBatch, totalSteps, samplesPerEpoch, optimizer, schedule, false, 0);
    }

    /** The same job, asynchronous with the given staleness bound. */
    public JobSpec asynchronous(long maxStaleness) {
        return new JobSpec(jobId, workers, shards, globalBatch, totalSteps, samplesPerEpoch, optimizer, schedule, true,
                maxStaleness);
    }

    public JobSpec {
        if (jobId == null || jobId.isBlank() || jobId.contains("/")) {
            throw new IllegalArgumentException("jobId must be a non-empty name without '/', got '" + jobId + "'");
        }
        requirePositive("workers", workers);
        requirePositive("shards", shards);
        requirePositive("globalBatch", globalBatch);
        requirePositive("totalSteps", totalSteps);
        if (globalBatch % workers != 0) {
            throw new IllegalArgumentException("globalBatch " + globalBatch + " is not divisible by " + workers + " workers");
        }
        if (samplesPerEpoch < globalBatch) {
            throw new IllegalArgumentException("samplesPerEpoch " + samplesPerEpoch + " is smaller than one global batch of "
                    + globalBatch);
        }
        if (schedule.globalBatch() != globalBatch || schedule.totalSteps() != totalSteps) {
            throw new IllegalArgumentException("the schedule is for batch " + schedule.globalBatch() + " and "
                    + schedule.totalSteps() + " steps, the job has batch " + globalBatch + " and " + totalSteps + " steps");
        }
        schedule.toSchedule();
        if (staleness < 0) {
            throw new IllegalArgumentException("staleness must be >= 0, got " + staleness);
        }
    }

    public int batchPerWorker() {
        return globalBatch / workers;
    }

    /** Whole global batches per epoch; the remainder of an epoch is skipped, as drop_last does. */
    public long stepsPerEpoch() {
        return samplesPerEpoch / globalBatch;
    }

    public LearningRateSchedule learningRates() {
        return schedule.toSchedule();
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, got " + value);
        }
    }
}
