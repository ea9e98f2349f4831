package io.larcps.worker.transport;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Copies between {@code float[]} and little-endian data-plane bodies with bulk NIO views:
 * {@code asFloatBuffer().put/get} is an intrinsic memory copy (byte-swapping only on big-endian
 * hosts), measured at 2-4x a {@code writeFloatLE} loop for 4 MiB chunks.
 */
final class LittleEndianFloats {

    private LittleEndianFloats() {
    }

    /** Appends {@code src[offset, offset + length)} to {@code dst}, which must have the room. */
    static void write(float[] src, int offset, int length, ByteBuf dst) {
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
     * moving the reader index. A received body is often a composite of several socket reads whose
     * pieces can end inside a float, so whole floats of each piece are bulk-copied and a float that
     * straddles two pieces is assembled from its bytes.
     */
    static void read(ByteBuf src, float[] dst, int offset) {
        if (src.readableBytes() % Float.BYTES != 0) {
            throw new IllegalArgumentException("a float body of " + src.readableBytes() + " bytes");
        }
        ByteBuffer carry = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int next = offset;
        for (ByteBuffer piece : src.nioBuffers()) {
            int position = piece.position();
            int limit = piece.limit();
            if (carry.position() > 0) {
                while (carry.hasRemaining() && position < limit) {
                    carry.put(piece.get(position++));
                }
                if (carry.hasRemaining()) {
                    continue;
                }
                dst[next++] = carry.getFloat(0);
                carry.clear();
            }
            int whole = (limit - position) / Float.BYTES;
            piece.duplicate().position(position).limit(position + whole * Float.BYTES).slice()
                    .order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst, next, whole);
            next += whole;
            for (position += whole * Float.BYTES; position < limit; position++) {
                carry.put(piece.get(position));
            }
        }
    }
}
