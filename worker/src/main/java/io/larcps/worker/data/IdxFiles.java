package io.larcps.worker.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads (Fashion-)MNIST IDX files, gzipped or not: unsigned-byte images (magic 0x00000803) and labels
 * (0x00000801). Errors name the file and say how to get the data, since nothing is downloaded here.
 */
public final class IdxFiles {
    static final String INSTALL_HINT = "install it with: apt-get install -y dataset-fashion-mnist";
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    /** Images as row-major unsigned bytes, {@code count x rows x columns}. */
    public record Images(int count, int rows, int columns, byte[] pixels) {
    }

    private IdxFiles() {
    }

    public static Images readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            expectMagic(file, in.readInt(), IMAGES_MAGIC);
            int count = in.readInt();
            int rows = in.readInt();
            int columns = in.readInt();
            if (count < 0 || rows <= 0 || columns <= 0 || (long) count * rows * columns > Integer.MAX_VALUE) {
                throw new IOException(file + " declares " + count + " images of " + rows + "x" + columns + ", which is corrupt");
            }
            byte[] pixels = new byte[count * rows * columns];
            in.readFully(pixels);
            return new Images(count, rows, columns, pixels);
        } catch (EOFException e) {
            throw new IOException(file + " ends before all its images: the file is truncated; " + INSTALL_HINT, e);
        }
    }

    public static byte[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            expectMagic(file, in.readInt(), LABELS_MAGIC);
            int count = in.readInt();
            if (count < 0) {
                throw new IOException(file + " declares " + count + " labels, which is corrupt");
            }
            byte[] labels = new byte[count];
            in.readFully(labels);
            return labels;
        } catch (EOFException e) {
            throw new IOException(file + " ends before all its labels: the file is truncated; " + INSTALL_HINT, e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "missing; " + INSTALL_HINT);
        }
        raw.mark(2);
        int first = raw.read();
        int second = raw.read();
        raw.reset();
        boolean gzipped = first == 0x1f && second == 0x8b;
        return new DataInputStream(gzipped ? new GZIPInputStream(raw, 1 << 16) : raw);
    }

    private static void expectMagic(Path file, int magic, int expected) throws IOException {
        if (magic != expected) {
            throw new IOException(String.format("%s is not an IDX %s file (magic 0x%08x, expected 0x%08x); %s", file,
                    expected == IMAGES_MAGIC ? "image" : "label", magic, expected, INSTALL_HINT));
        }
    }
}
