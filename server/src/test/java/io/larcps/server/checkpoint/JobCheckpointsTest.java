package io.larcps.server.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobCheckpointsTest {
    @TempDir
    Path root;

    private void version(String job, String name, boolean complete) throws IOException {
        Path directory = Files.createDirectories(root.resolve(job).resolve(name));
        Files.writeString(directory.resolve("tensor-0.weights.npy"), "not read here");
        if (complete) {
            Files.writeString(directory.resolve(JobCheckpoints.MANIFEST), "tensor-0.weights.npy\n");
        }
    }

    @Test
    void theHighestVersionWithAManifestIsTheLastComplete() throws IOException {
        version("job", "version-0", true);
        version("job", "version-90", true);
        version("job", "version-100", true);
        version("job", "version-110", false);
        version("job", "version-x", true);
        version("other", "version-500", true);

        assertThat(JobCheckpoints.lastComplete(root, "job")).hasValue(100);
        assertThat(JobCheckpoints.lastComplete(root, "other")).hasValue(500);
    }

    @Test
    void noCompleteVersionOrNoJobDirectoryIsEmpty() throws IOException {
        version("job", "version-10", false);
        assertThat(JobCheckpoints.lastComplete(root, "job")).isEmpty();
        assertThat(JobCheckpoints.lastComplete(root, "never-ran")).isEmpty();
        assertThat(JobCheckpoints.lastComplete(root.resolve("missing"), "job")).isEmpty();
    }

    @Test
    void aJobIdIsLookedUpUnderTheNameItsShardsWriteTo() throws IOException {
        Path written = ShardCheckpoint.directory(root, "team/run 1", 30);
        Files.createDirectories(written);
        Files.writeString(written.resolve(JobCheckpoints.MANIFEST), "");
        assertThat(JobCheckpoints.lastComplete(root, "team/run 1")).hasValue(30);
    }
}
