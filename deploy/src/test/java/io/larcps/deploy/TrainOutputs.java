package io.larcps.deploy;

import io.larcps.proto.npy.NpyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads what {@code larcps train --out DIR} wrote. */
final class TrainOutputs {
    private TrainOutputs() {
    }

    /** The weights in {@code DIR/weights}, one array per tensor in layout order. */
    static List<float[]> weights(Path out) throws IOException {
        try (Stream<Path> files = Files.list(out.resolve("weights"))) {
            return files.filter(p -> p.toString().endsWith(".npy")).sorted().map(p -> {
                try {
                    return NpyFiles.read(p).values();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
