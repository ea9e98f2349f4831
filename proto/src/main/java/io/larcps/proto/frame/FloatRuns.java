package io.larcps.proto.frame;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Walks the little-endian floats of a received body without copying it. A body decoded from many TCP
 * reads is a composite whose pieces can end inside a float: the whole floats of each piece are handed
 * on as one run (for bulk or vectorised work), and a float that straddles two pieces is assembled
 * from its bytes and handed on alone.
 */
public final class FloatRuns {

    /** Receives the floats of a body in order; returning false stops the walk. */
    public interface Visitor {
        /** {@code count} whole floats at absolute byte {@code byteOffset} of {@code piece}, starting at float {@code first}. */
        boolean run(ByteBuffer piece, int byteOffset, int first, int count);

        /** The float at index {@code index}, which straddled two pieces. */
        boolean single(float value, int index);
    }

    private FloatRuns() {
    }

    /** @return false when the visitor stopped the walk */
    public static boolean walk(ByteBuf body, Visitor visitor) {
        if (body.readableBytes() % Float.BYTES != 0) {
            throw new IllegalArgumentException("a float body of " + body.readableBytes() + " bytes");
        }
        ByteBuffer carry = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int next = 0;
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
                if (!visitor.single(carry.getFloat(0), next++)) {
                    return false;
                }
                carry.clear();
            }
            int whole = (limit - position) / Float.BYTES;
            if (whole > 0 && !visitor.run(piece, position, next, whole)) {
                return false;
            }
            next += whole;
            for (position += whole * Float.BYTES; position < limit; position++) {
                carry.put(piece.get(position));
            }
        }
        return true;
    }
}
