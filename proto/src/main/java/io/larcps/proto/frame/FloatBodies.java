package io.larcps.proto.frame;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Copies between {@code float[]} and little-endian data-plane bodies with bulk NIO views:
 * {@code asFloatBuffer().put/get} is an intrinsic memory copy (byte-swapping only on big-endian
 * hosts), measured at 2-4x a {@code writeFloatLE} loop for 4 MiB chunks.
 */
public final class FloatBodies {

    private FloatBodies() {
    }

    /** Appends {@code src[offset, offset + length)} to {@code dst}, which must have the room. */
    public static void write(float[] src, int offset, int length, ByteBuf dst) {
        int bytes = length * Float.BYTES;
        dst.ensureWritable(bytes);
        if (dst.nioBufferCount() == 1) {
            dst.nioBuffer(dst.writerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(src, offset, length);
            dst.writerIndex(dst.writerIndex() + bytes);
        } else {
            // nioBuffer() of a multi-component buffer is a copy, so writing through it would be lost.
            for (int i = offset; i < offset + length; i++) {
                dst.writeFloatLE(src[i]);
            }
        }
    }

    /**
     * Copies every readable float of {@code src} into {@code dst} from index {@code offset}, without
     * moving the reader index; runs of whole floats are bulk-copied.
     */
    public static void read(ByteBuf src, float[] dst, int offset) {
        FloatRuns.walk(src, new FloatRuns.Visitor() {
            @Override
            public boolean run(ByteBuffer piece, int byteOffset, int first, int count) {
                piece.duplicate().position(byteOffset).limit(byteOffset + count * Float.BYTES).slice()
                        .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst, offset + first, count);
                return true;
            }

            @Override
            public boolean single(float value, int index) {
                dst[offset + index] = value;
                return true;
            }
        });
    }
}
