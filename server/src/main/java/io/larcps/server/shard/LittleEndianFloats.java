package io.larcps.server.shard;

import io.larcps.proto.frame.FloatRuns;
import io.larcps.server.optim.UpdateKernel;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/** Gradient bodies checked in place (off-heap), or checked as they are copied, through the optimizer's kernel. */
final class LittleEndianFloats {
    private LittleEndianFloats() {
    }

    /**
     * Copies every float of the body into {@code target} from index {@code offset} and says whether all
     * were finite, in one read of the body; on false, stops early and the target range is garbage.
     */
    static boolean copyIfFinite(ByteBuf body, float[] target, int offset, UpdateKernel kernel) {
        return FloatRuns.walk(body, new FloatRuns.Visitor() {
            @Override
            public boolean run(ByteBuffer piece, int byteOffset, int first, int count) {
                return kernel.copyFiniteLittleEndian(piece, byteOffset, target, offset + first, count);
            }

            @Override
            public boolean single(float value, int index) {
                target[offset + index] = value;
                return Float.isFinite(value);
            }
        });
    }

    /** Whether every float of the body is finite. */
    static boolean allFinite(ByteBuf body, UpdateKernel kernel) {
        return FloatRuns.walk(body, new FloatRuns.Visitor() {
            @Override
            public boolean run(ByteBuffer piece, int byteOffset, int first, int count) {
                return kernel.allFiniteLittleEndian(piece, byteOffset, count);
            }

            @Override
            public boolean single(float value, int index) {
                return Float.isFinite(value);
            }
        });
    }
}
