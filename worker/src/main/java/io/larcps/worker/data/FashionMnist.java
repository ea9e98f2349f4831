package io.larcps.worker.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (or MNIST) from a directory of IDX files as Debian's {@code dataset-fashion-mnist}
 * installs them: {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]}.
 */
public final class FashionMnist {
    public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int CLASSES = 10;

    private FashionMnist() {
    }

    /** The 60,000 training images. */
    public static LabelledImages train(Path directory) throws IOException {
        return load(directory, "train");
    }

    /** The 10,000 test images. */
    public static LabelledImages test(Path directory) throws IOException {
        return load(directory, "t10k");
    }

    private static LabelledImages load(Path directory, String split) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("data directory " + directory + " does not exist; " + IdxFiles.INSTALL_HINT);
        }
        IdxFiles.Images images = IdxFiles.readImages(find(directory, split + "-images-idx3-ubyte"));
        byte[] labels = IdxFiles.readLabels(find(directory, split + "-labels-idx1-ubyte"));
        if (labels.length != images.count()) {
            throw new IOException(directory + ": " + images.count() + " " + split + " images but " + labels.length + " labels");
        }
        for (byte label : labels) {
            if (label < 0 || label >= CLASSES) {
                throw new IOException(directory + ": label " + label + " outside 0.." + (CLASSES - 1));
            }
        }
        return new LabelledImages(images.count(), 1, images.rows(), images.columns(), images.pixels(), labels, CLASSES);
    }

    private static Path find(Path directory, String stem) {
        Path gz = directory.resolve(stem + ".gz");
        return Files.exists(gz) ? gz : directory.resolve(stem);
    }
}
