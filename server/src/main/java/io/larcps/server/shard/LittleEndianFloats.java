package io.larcps.server.shard;

import io.larcps.server.optim.UpdateKernel;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a data-plane body of little-endian floats without copying it to the heap first.
 *
 * <p>A body decoded from many TCP reads is a composite buffer whose pieces can end in the middle of a
 * float. Whole floats of each piece go through the vectorised kernel; the few that straddle two
 * pieces are assembled byte by byte.
 */
final class LittleEndianFloats {
    private LittleEndianFloats() {
    }

    /** Adds the body's floats into {@code target[offset ..]}. */
    static void addInto(ByteBuf body, float[] target, int offset, UpdateKernel kernel) {
        new Walk(body) {
            @Override
            boolean whole(ByteBuffer piece, int byteOffset, int floatIndex, int count) {
                kernel.addLittleEndian(piece, byteOffset, target, offset + floatIndex, count);
                return true;
            }

            @Override
            boolean straddling(float value, int floatIndex) {
                target[offset + floatIndex] += value;
                return true;
            }
        }.run();
    }

    /** Whether every float of the body is finite. */
    static boolean allFinite(ByteBuf body, UpdateKernel kernel) {
        return new Walk(body) {
            @Override
            boolean whole(ByteBuffer piece, int byteOffset, int floatIndex, int count) {
                return kernel.allFiniteLittleEndian(piece, byteOffset, count);
            }

            @Override
            boolean straddling(float value, int floatIndex) {
                return Float.isFinite(value);
            }
        }.run();
    }

    /** Visits the floats of a buffer piece by piece; a visitor returning false stops the walk. */
    private abstract static class Walk {
        private final ByteBuf body;

        Walk(ByteBuf body) {
            if (body.readableBytes() % Float.BYTES != 0) {
                throw new IllegalArgumentException("a float body of " + body.readableBytes() + " bytes");
            }
            this.body = body;
        }

        abstract boolean whole(ByteBuffer piece, int byteOffset, int floatIndex, int count);

        abstract boolean straddling(float value, int floatIndex);

        final boolean run() {
            ByteBuffer carry = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            int floatIndex = 0;
            for (ByteBuffer piece : body.nioBuffers()) {
                int position = piece.position();
                int limit = piece.limit();
                if (carry.position() > 0) {
                    while (carry.hasRemaining() && position < limit) {
                        carry.put(piece.get(position++));
                    }
                    if (carry.hasRemaining()) {
                        continue;
                    }
                    if (!straddling(carry.getFloat(0), floatIndex++)) {
                        return false;
                    }
                    carry.clear();
                }
                int whole = (limit - position) / Float.BYTES;
                if (whole > 0 && !whole(piece, position, floatIndex, whole)) {
                    return false;
                }
                floatIndex += whole;
                for (position += whole * Float.BYTES; position < limit; position++) {
                    carry.put(piece.get(position));
                }
            }
            return true;
        }
    }
}
