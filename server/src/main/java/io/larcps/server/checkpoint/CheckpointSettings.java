package io.larcps.server.checkpoint;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where and how often a job's shards write checkpoints (section {@code larcps.checkpoint}, documented
 * in the server's reference.conf).
 *
 * @param directory root of the checkpoints, reachable from every ps node at the same path; empty
 *     when checkpoints are off
 * @param everySteps a checkpoint at every version that is a multiple of this (version 0, the seed,
 *     included)
 * @param resume start the job from its last complete checkpoint in {@code directory}
 */
public record CheckpointSettings(Optional<Path> directory, long everySteps, boolean resume) {

    public CheckpointSettings {
        if (directory.isPresent() && everySteps < 1) {
            throw new IllegalArgumentException("checkpoints need every-steps >= 1, got " + everySteps);
        }
        if (resume && directory.isEmpty()) {
            throw new IllegalArgumentException("resuming needs the checkpoint directory");
        }
    }

    /** Checkpoints in {@code directory} every {@code everySteps} versions, for a job that starts anew. */
    public CheckpointSettings(Optional<Path> directory, long everySteps) {
        this(directory, everySteps, false);
    }

    /** No checkpoints: a lost shard stops the job. */
    public static CheckpointSettings off() {
        return new CheckpointSettings(Optional.empty(), 1);
    }

    public static CheckpointSettings fromConfig(Config root) {
        Config section = root.getConfig("larcps.checkpoint");
        String directory = section.getString("directory");
        long every = section.getLong("every-steps");
        if (every < 1) {
            throw new ConfigException.BadValue("larcps.checkpoint.every-steps", "must be >= 1, got " + every);
        }
        boolean resume = section.getBoolean("resume");
        if (resume && directory.isBlank()) {
            throw new ConfigException.BadValue("larcps.checkpoint.resume",
                    "needs larcps.checkpoint.directory, the directory to resume from");
        }
        return new CheckpointSettings(directory.isBlank() ? Optional.empty() : Optional.of(Path.of(directory)), every,
                resume);
    }

    public boolean enabled() {
        return directory.isPresent();
    }

    /** Whether version {@code version} is checkpointed. */
    public boolean at(long version) {
        return enabled() && version % everySteps == 0;
    }
}
