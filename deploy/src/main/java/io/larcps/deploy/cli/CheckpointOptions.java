package io.larcps.deploy.cli;

import com.typesafe.config.ConfigUtil;
import io.larcps.server.checkpoint.JobCheckpoints;
import io.larcps.server.coordinator.JobSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import picocli.CommandLine.Option;

/**
 * Where the coordinator has its job's shards write checkpoints ({@code larcps.checkpoint}); the shards
 * take the directory from the coordinator, so only the coordinator's command has these flags.
 */
public final class CheckpointOptions {

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", defaultValue = "${env:LARCPS_CHECKPOINT_DIR:-}",
            description = "Directory the shards write checkpoints to (weights and momentum, as .npy), at the same "
                    + "path on every ps node: a shared volume when they are different machines. A shard whose node "
                    + "is lost is then restored from the last checkpoint and the steps after it run again, with the "
                    + "same result. Default: none, and losing a ps node stops the job (env LARCPS_CHECKPOINT_DIR).")
    String directory;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS", defaultValue = "100",
            description = "Steps between checkpoints (version 0 is always one); default ${DEFAULT-VALUE}.")
    long every;

    @Option(names = "--resume",
            description = "Start the job from its last complete checkpoint in --checkpoint-dir (the highest version "
                    + "with a MANIFEST) instead of from new weights. The steps after it run as they would have, so "
                    + "the job ends with the weights it would have had without the stop.")
    boolean resume;

    /** The node settings these flags stand for, as HOCON lines; none without a directory. */
    public String[] settings() {
        if (every < 1) {
            throw new IllegalArgumentException("--checkpoint-every must be >= 1, got " + every);
        }
        if (directory == null || directory.isBlank()) {
            if (resume) {
                throw new IllegalArgumentException("--resume needs --checkpoint-dir, the directory to resume from");
            }
            return new String[0];
        }
        return new String[] {
            "larcps.checkpoint.directory = " + ConfigUtil.quoteString(Path.of(directory).toAbsolutePath().toString()),
            "larcps.checkpoint.every-steps = " + every,
            "larcps.checkpoint.resume = " + (resume ? "on" : "off")};
    }

    /**
     * Refuses, before anything starts, what the coordinator would refuse once the workers are in: with
     * {@code --resume}, a directory without a complete checkpoint of the job that leaves steps to run;
     * without it, a directory that already holds the job's checkpoints from an earlier run.
     */
    public void check(JobSpec job) {
        if (directory == null || directory.isBlank()) {
            return;
        }
        Path root = Path.of(directory).toAbsolutePath();
        OptionalLong version;
        try {
            version = JobCheckpoints.lastComplete(root, job.jobId());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("--checkpoint-dir: cannot read " + root + ": " + e.getMessage(), e);
        }
        if (!resume) {
            if (version.isPresent()) {
                throw new IllegalArgumentException("--checkpoint-dir " + root + " already holds checkpoints of job "
                        + job.jobId() + " (the last complete one is version " + version.getAsLong() + "): add --resume "
                        + "to go on from it, or give this run another --job-id or directory");
            }
            return;
        }
        if (job.asynchronous()) {
            throw new IllegalArgumentException("--resume: asynchronous jobs are not checkpointed");
        }
        if (version.isEmpty()) {
            throw new IllegalArgumentException("--resume: " + root + " holds no complete checkpoint of job "
                    + job.jobId() + " (a version is complete once its MANIFEST is written); check --job-id and "
                    + "--checkpoint-dir");
        }
        if (version.getAsLong() >= job.totalSteps()) {
            throw new IllegalArgumentException("--resume: the checkpoint of version " + version.getAsLong()
                    + " is at or past the job's " + job.totalSteps() + " steps: nothing is left to run");
        }
    }
}
