package io.larcps.deploy.cli;

import com.typesafe.config.ConfigUtil;
import java.nio.file.Path;
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

    /** The node settings these flags stand for, as HOCON lines; none without a directory. */
    public String[] settings() {
        if (every < 1) {
            throw new IllegalArgumentException("--checkpoint-every must be >= 1, got " + every);
        }
        if (directory == null || directory.isBlank()) {
            return new String[0];
        }
        return new String[] {
            "larcps.checkpoint.directory = " + ConfigUtil.quoteString(Path.of(directory).toAbsolutePath().toString()),
            "larcps.checkpoint.every-steps = " + every};
    }
}
