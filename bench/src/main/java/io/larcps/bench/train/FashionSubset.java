package io.larcps.bench.train;

import io.larcps.worker.data.FashionMnist;
import io.larcps.worker.data.LabelledImages;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * The first {@code n} training and {@code m} test images of Fashion-MNIST written as gzipped IDX files
 * (the layout {@code --data} expects), for the quick mode: short epochs, same data path.
 */
final class FashionSubset {
    private FashionSubset() {
    }

    static Path write(Path source, Path target, int trainCount, int testCount) throws IOException {
        Files.createDirectories(target);
        write(FashionMnist.train(source), target, "train", trainCount);
        write(FashionMnist.test(source), target, "t10k", testCount);
        return target;
    }

    private static void write(LabelledImages images, Path target, String split, int count) throws IOException {
        int n = Math.min(count, images.count());
        int perImage = images.pixelsPerImage();
        try (DataOutputStream out = open(target.resolve(split + "-images-idx3-ubyte.gz"))) {
            out.writeInt(0x00000803);
            out.writeInt(n);
            out.writeInt(images.height());
            out.writeInt(images.width());
            out.write(images.pixels(), 0, n * perImage);
        }
        try (DataOutputStream out = open(target.resolve(split + "-labels-idx1-ubyte.gz"))) {
            out.writeInt(0x00000801);
            out.writeInt(n);
            out.write(images.labels(), 0, n);
        }
    }

    private static DataOutputStream open(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(new GZIPOutputStream(raw, 1 << 16));
    }
}
