package io.larcps.proto.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Float32 tensors as NumPy {@code .npy} files (format version 1.0, little-endian, in C or Fortran order
 * as the values are held), so numpy and PyTorch users read weights and checkpoints with
 * {@code numpy.load}, which gives the same array either way. Writes go to a temporary
 * file renamed into place: a reader never sees half a tensor.
 */
public final class NpyFiles {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern HEADER = Pattern.compile(
            "\\{'descr': '([<>|]?f4)', 'fortran_order': (True|False), 'shape': \\(([0-9, ]*)\\), *\\}");

    /** A tensor read back: its shape and its values, column-major if {@code fortranOrder}, else row-major. */
    public record Tensor(long[] shape, boolean fortranOrder, float[] values) {
    }

    private NpyFiles() {
    }

    /** Writes {@code values}, which are in column-major order for {@code shape} if {@code fortranOrder}. */
    public static void write(Path file, long[] shape, boolean fortranOrder, float[] values) throws IOException {
        long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (elements != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + elements
                    + " values, got " + values.length);
        }
        StringBuilder dims = new StringBuilder();
        for (long dim : shape) {
            dims.append(dim).append(", ");
        }
        String shapeText = shape.length == 1 ? dims.toString().trim() : dims.toString().replaceAll(", $", "");
        String dict = "{'descr': '<f4', 'fortran_order': " + (fortranOrder ? "True" : "False") + ", 'shape': ("
                + shapeText + "), }";
        // Magic (6) + version (2) + length (2) + dict + padding + newline, a multiple of 64 bytes.
        int unpadded = 10 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer buffer = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buffer.put(header.getBytes(StandardCharsets.US_ASCII));
        buffer.asFloatBuffer().put(values);
        buffer.position(buffer.capacity()).flip();
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Tensor read(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        if (bytes.remaining() < 10) {
            throw new IOException(file + " is not a .npy file: only " + bytes.remaining() + " bytes");
        }
        bytes.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(file + " is not a .npy file (bad magic)");
        }
        int major = bytes.get();
        bytes.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(bytes.getShort()) : bytes.getInt();
        if (headerLength > bytes.remaining()) {
            throw new IOException(file + ": header length " + headerLength + " runs past the end of the file");
        }
        byte[] header = new byte[headerLength];
        bytes.get(header);
        Matcher matcher = HEADER.matcher(new String(header, StandardCharsets.US_ASCII).trim());
        if (!matcher.matches() || matcher.group(1).startsWith(">")) {
            throw new IOException(file + ": only little-endian float32 is supported, header is "
                    + new String(header, StandardCharsets.US_ASCII).trim());
        }
        long[] shape = Arrays.stream(matcher.group(3).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        long elements = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (elements * 4 != bytes.remaining()) {
            throw new IOException(file + ": shape " + Arrays.toString(shape) + " needs " + elements * 4
                    + " bytes of data, the file has " + bytes.remaining());
        }
        float[] values = new float[(int) elements];
        bytes.asFloatBuffer().get(values);
        return new Tensor(shape, matcher.group(2).equals("True"), values);
    }
}
