package io.larcps.worker.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {

    static byte[] images(int count, int rows, int columns) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x803);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(columns);
        for (int i = 0; i < count * rows * columns; i++) {
            out.writeByte(i % 256);
        }
        return bytes.toByteArray();
    }

    static byte[] labels(int... values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x801);
        out.writeInt(values.length);
        for (int v : values) {
            out.writeByte(v);
        }
        return bytes.toByteArray();
    }

    static void gzip(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }

    @Test
    void readsPlainAndGzippedFiles(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("plain"), images(3, 2, 2));
        gzip(dir.resolve("zipped"), images(3, 2, 2));
        for (String name : new String[] {"plain", "zipped"}) {
            IdxFiles.Images images = IdxFiles.readImages(dir.resolve(name));
            assertThat(images.count()).isEqualTo(3);
            assertThat(images.rows()).isEqualTo(2);
            assertThat(images.pixels()).hasSize(12);
            assertThat(images.pixels()[11]).isEqualTo((byte) 11);
        }
        gzip(dir.resolve("labels"), labels(4, 0, 9));
        assertThat(IdxFiles.readLabels(dir.resolve("labels"))).containsExactly(4, 0, 9);
    }

    @Test
    void brokenFilesNameTheFileAndTheFix(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> IdxFiles.readImages(dir.resolve("absent.gz")))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("absent.gz")
                .hasMessageContaining("apt-get install -y dataset-fashion-mnist");
        Files.write(dir.resolve("labels-as-images"), labels(1, 2));
        assertThatThrownBy(() -> IdxFiles.readImages(dir.resolve("labels-as-images")))
                .hasMessageContaining("labels-as-images").hasMessageContaining("not an IDX image file");
        byte[] whole = images(3, 2, 2);
        Files.write(dir.resolve("truncated"), java.util.Arrays.copyOf(whole, whole.length - 5));
        assertThatThrownBy(() -> IdxFiles.readImages(dir.resolve("truncated"))).hasMessageContaining("truncated");
    }

    @Test
    void fashionMnistFromADirectoryChecksLabelsAgainstImages(@TempDir Path dir) throws IOException {
        gzip(dir.resolve("train-images-idx3-ubyte.gz"), images(3, 28, 28));
        gzip(dir.resolve("train-labels-idx1-ubyte.gz"), labels(1, 2, 3));
        LabelledImages train = FashionMnist.train(dir);
        assertThat(train.count()).isEqualTo(3);
        float[] scaled = new float[784];
        train.copyScaled(1, scaled, 0);
        assertThat(scaled[0]).isEqualTo((784 % 256) / 255f);
        gzip(dir.resolve("t10k-images-idx3-ubyte.gz"), images(2, 28, 28));
        gzip(dir.resolve("t10k-labels-idx1-ubyte.gz"), labels(1, 2, 3));
        assertThatThrownBy(() -> FashionMnist.test(dir)).hasMessageContaining("2 t10k images but 3 labels");
        assertThatThrownBy(() -> FashionMnist.train(dir.resolve("nowhere")))
                .hasMessageContaining("nowhere").hasMessageContaining("dataset-fashion-mnist");
    }

    @Test
    void theInstalledFashionMnistHasItsKnownSize() throws IOException {
        LabelledImages train = FashionMnist.train(FashionMnist.DEFAULT_DIRECTORY);
        LabelledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIRECTORY);
        assertThat(train.count()).isEqualTo(60_000);
        assertThat(test.count()).isEqualTo(10_000);
        assertThat(train.height()).isEqualTo(28);
        int[] perClass = new int[10];
        for (byte label : test.labels()) {
            perClass[label]++;
        }
        assertThat(perClass).containsOnly(1000);
    }
}
