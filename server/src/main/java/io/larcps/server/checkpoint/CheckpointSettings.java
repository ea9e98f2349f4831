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
 */
public record CheckpointSettings(Optional<Path> directory, long everySteps) {

    public CheckpointSettings {
        if (directory.isPresent() && everySteps < 1) {
            throw new IllegalArgumentException("checkpoints need every-steps >= 1, got " + everySteps);
        }
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
        return new CheckpointSettings(directory.isBlank() ? Optional.empty() : Optional.of(Path.of(directory)), every);
    }

    public boolean enabled() {
        return directory.isPresent();
    }

    /** Whether version {@code version} is checkpointed. */
    public boolean at(long version) {
        return enabled() && version % everySteps == 0;
    }
}
