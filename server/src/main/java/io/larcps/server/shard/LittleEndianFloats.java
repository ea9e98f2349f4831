package io.larcps.server.shard;

import io.larcps.proto.frame.FloatRuns;
import io.larcps.server.optim.UpdateKernel;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/** Gradient bodies checked in place (off-heap) through the optimizer's vectorised kernel. */
final class LittleEndianFloats {
    private LittleEndianFloats() {
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
