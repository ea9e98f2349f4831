package io.larcps.proto.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFilesTest {

    @Test
    void theLayoutIsWhatNumpyWrites(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("w.npy");
        NpyFiles.write(file, new long[] {2, 3}, false, new float[] {1, 2, 3, 4, 5, 6});
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes[0] & 0xff).isEqualTo(0x93);
        assertThat(new String(bytes, 1, 5, StandardCharsets.US_ASCII)).isEqualTo("NUMPY");
        int headerLength = Short.toUnsignedInt(buffer.getShort(8));
        assertThat((10 + headerLength) % 64).isZero();
        assertThat(new String(bytes, 10, headerLength, StandardCharsets.US_ASCII))
                .startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }").endsWith("\n");
        assertThat(buffer.getFloat(10 + headerLength + 4 * 5)).isEqualTo(6f);
    }

    @Test
    void columnMajorValuesAreFlaggedAsNumpyDoesAndReadBackSo(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("f.npy");
        // The 2 x 3 matrix [[1, 2, 3], [4, 5, 6]] column by column, as numpy.asfortranarray holds it.
        NpyFiles.write(file, new long[] {2, 3}, true, new float[] {1, 4, 2, 5, 3, 6});
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = Short.toUnsignedInt(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort(8));
        assertThat(new String(bytes, 10, headerLength, StandardCharsets.US_ASCII))
                .startsWith("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }");
        NpyFiles.Tensor back = NpyFiles.read(file);
        assertThat(back.fortranOrder()).isTrue();
        assertThat(back.shape()).containsExactly(2, 3);
        assertThat(back.values()).containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void roundTripsVectorsMatricesAndScalarsOfAnyShape(@TempDir Path dir) throws IOException {
        for (long[] shape : new long[][] {{5}, {1, 1}, {2, 3, 4}, {}}) {
            int n = (int) java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact);
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = i * 0.5f - 1;
            }
            Path file = dir.resolve("t" + shape.length + ".npy");
            NpyFiles.write(file, shape, false, values);
            NpyFiles.Tensor back = NpyFiles.read(file);
            assertThat(back.shape()).containsExactly(shape);
            assertThat(back.fortranOrder()).isFalse();
            assertThat(back.values()).containsExactly(values);
        }
        assertThat(Files.list(dir)).noneMatch(p -> p.toString().endsWith(".tmp"));
    }

    @Test
    void wrongInputIsRefusedClearly(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> NpyFiles.write(dir.resolve("x.npy"), new long[] {3}, false, new float[2]))
                .hasMessageContaining("holds 3 values");
        Path junk = dir.resolve("junk.npy");
        Files.writeString(junk, "not numpy at all");
        assertThatThrownBy(() -> NpyFiles.read(junk)).isInstanceOf(IOException.class).hasMessageContaining("bad magic");
        Path truncated = dir.resolve("short.npy");
        NpyFiles.write(truncated, new long[] {4}, false, new float[4]);
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> NpyFiles.read(truncated)).hasMessageContaining("needs 16 bytes");
    }
}
