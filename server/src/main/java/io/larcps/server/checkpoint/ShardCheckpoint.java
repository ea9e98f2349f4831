package io.larcps.server.checkpoint;

import io.larcps.proto.npy.NpyFiles;
import io.larcps.server.optim.TensorState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A shard's part of a checkpoint: for each of its tensors the weights and, once it has one, the
 * momentum buffer, as {@code .npy} files named by tensor id under
 * {@code <root>/<job>/version-<v>/}. Files are named by tensor and not by shard, so any shard that owns
 * a tensor can restore it; each file is written to a temporary name and renamed into place.
 */
public final class ShardCheckpoint {
    private ShardCheckpoint() {
    }

    /** The directory of version {@code version} of job {@code jobId}. */
    public static Path directory(Path root, String jobId, long version) {
        return root.resolve(jobId.replaceAll("[^A-Za-z0-9._-]", "_")).resolve("version-" + version);
    }

    /** Writes {@code states} (by tensor id) as version {@code version}; returns the files written, relative to it. */
    public static List<String> write(Path root, String jobId, long version, Map<Integer, TensorState> states)
            throws IOException {
        Path directory = directory(root, jobId, version);
        Files.createDirectories(directory);
        List<String> files = new ArrayList<>();
        for (Map.Entry<Integer, TensorState> entry : states.entrySet()) {
            TensorState state = entry.getValue();
            long[] shape = {state.size()};
            String weights = weightsFile(entry.getKey());
            NpyFiles.write(directory.resolve(weights), shape, false, state.weights());
            files.add(weights);
            String momentum = momentumFile(entry.getKey());
            if (state.momentum() != null) {
                NpyFiles.write(directory.resolve(momentum), shape, false, state.momentum());
                files.add(momentum);
            } else {
                // No momentum yet: a file left by an earlier run of the same job id must not be restored.
                Files.deleteIfExists(directory.resolve(momentum));
            }
        }
        return files;
    }

    /**
     * Restores {@code states} (by tensor id) to version {@code version}: weights from their files, and
     * the momentum buffer from its file, or none when the checkpoint has none (no momentum step yet).
     * Nothing is changed unless every file reads back with the right length.
     *
     * @throws IOException naming the file that is missing or does not fit its tensor
     */
    public static void restore(Path root, String jobId, long version, Map<Integer, TensorState> states)
            throws IOException {
        Path directory = directory(root, jobId, version);
        List<Runnable> apply = new ArrayList<>();
        for (Map.Entry<Integer, TensorState> entry : states.entrySet()) {
            TensorState state = entry.getValue();
            float[] weights = read(directory.resolve(weightsFile(entry.getKey())), state);
            Path momentumFile = directory.resolve(momentumFile(entry.getKey()));
            float[] momentum = Files.exists(momentumFile) ? read(momentumFile, state) : null;
            apply.add(() -> {
                state.overwriteWeights(weights);
                state.restoreMomentum(momentum);
            });
        }
        apply.forEach(Runnable::run);
    }

    private static float[] read(Path file, TensorState state) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("checkpoint file " + file + " of tensor " + state.name() + " is missing");
        }
        float[] values = NpyFiles.read(file).values();
        if (values.length != state.size()) {
            throw new IOException("checkpoint file " + file + " holds " + values.length + " values, tensor "
                    + state.name() + " has " + state.size());
        }
        return values;
    }

    private static String weightsFile(int tensorId) {
        return "tensor-" + tensorId + ".weights.npy";
    }

    private static String momentumFile(int tensorId) {
        return "tensor-" + tensorId + ".momentum.npy";
    }
}
