package io.larcps.server.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A job's checkpoints as a whole: a version is complete once the coordinator has written its
 * {@link #MANIFEST}, after every shard wrote its files, so a version without one (the job stopped
 * while it was being written) is never resumed from.
 */
public final class JobCheckpoints {
    /** The file that marks a version complete; it lists the version's files. */
    public static final String MANIFEST = "MANIFEST";
    private static final Pattern VERSION = Pattern.compile("version-(\\d{1,18})");

    private JobCheckpoints() {
    }

    /** The highest complete version of job {@code jobId} under {@code root}; empty when there is none. */
    public static OptionalLong lastComplete(Path root, String jobId) throws IOException {
        Path job = ShardCheckpoint.directory(root, jobId, 0).getParent();
        if (!Files.isDirectory(job)) {
            return OptionalLong.empty();
        }
        try (Stream<Path> versions = Files.list(job)) {
            return versions.filter(version -> Files.isRegularFile(version.resolve(MANIFEST)))
                    .map(version -> VERSION.matcher(version.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToLong(matched -> Long.parseLong(matched.group(1)))
                    .max();
        }
    }
}
