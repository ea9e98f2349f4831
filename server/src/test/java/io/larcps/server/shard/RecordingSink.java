package io.larcps.server.shard;

import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.server.transport.FrameSink;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A peer that records what a shard sends it: weight chunks (decoded) and errors. */
final class RecordingSink implements FrameSink {
    record Chunk(FrameHeader header, float[] values) {
    }

    record Error(FrameHeader about, ErrorCode code, String message) {
    }

    final LinkedBlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Error> errors = new LinkedBlockingQueue<>();

    @Override
    public void send(TensorFrame frame) {
        try {
            float[] values = new float[(int) frame.header().getChunkLength()];
            frame.body().duplicate().order(ByteOrder.LITTLE_ENDIAN).nioBuffer().order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(values);
            chunks.add(new Chunk(frame.header(), values));
        } finally {
            frame.release();
        }
    }

    @Override
    public void sendError(FrameHeader refused, ErrorCode code, String message) {
        errors.add(new Error(refused, code, message));
    }

    @Override
    public String describe() {
        return "recording sink";
    }

    Error nextError() throws InterruptedException {
        Error error = errors.poll(5, TimeUnit.SECONDS);
        if (error == null) {
            throw new AssertionError("no error frame within 5 s");
        }
        return error;
    }

    /** Waits for {@code count} weight chunks. */
    List<Chunk> takeChunks(int count) throws InterruptedException {
        List<Chunk> taken = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Chunk chunk = chunks.poll(5, TimeUnit.SECONDS);
            if (chunk == null) {
                throw new AssertionError("only " + i + " of " + count + " weight chunks arrived within 5 s");
            }
            taken.add(chunk);
        }
        return taken;
    }
}
