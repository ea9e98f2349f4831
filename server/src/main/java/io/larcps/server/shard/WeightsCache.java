package io.larcps.server.shard;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.proto.frame.TensorChunker;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.server.optim.TensorState;
import io.larcps.server.transport.FrameSink;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The current version's weights encoded as WEIGHTS frames, built on the first pull of a version and
 * shared by every worker that pulls it: K workers cost one encoding, not K.
 */
final class WeightsCache implements AutoCloseable {
    private final String jobId;
    private final TensorChunker chunker;
    private final ByteBufAllocator allocator;
    private long version = -1;
    private List<TensorFrame> frames = List.of();

    WeightsCache(String jobId, TensorChunker chunker, ByteBufAllocator allocator) {
        this.jobId = jobId;
        this.chunker = chunker;
        this.allocator = allocator;
    }

    /** Sends {@code version}'s weights to a peer, encoding them first if this version has not been sent yet. */
    void send(long currentVersion, Map<Integer, TensorState> tensors, FrameSink sink) {
        if (version != currentVersion) {
            close();
            frames = encode(currentVersion, tensors);
            version = currentVersion;
        }
        for (TensorFrame frame : frames) {
            sink.send(frame.retainedDuplicate());
        }
    }

    private List<TensorFrame> encode(long currentVersion, Map<Integer, TensorState> tensors) {
        List<TensorFrame> encoded = new ArrayList<>();
        tensors.forEach((id, state) -> {
            FrameHeader template = FrameHeader.newBuilder()
                    .setKind(FrameKind.WEIGHTS)
                    .setJobId(jobId)
                    .setStep(currentVersion)
                    .setTensorId(id)
                    .setDtype(DType.FLOAT32)
                    .setElementCount(state.size())
                    .build();
            encoded.addAll(chunker.split(template, state.weights(), allocator));
        });
        return encoded;
    }

    /** Releases the encoded frames; the next send encodes again. */
    @Override
    public void close() {
        frames.forEach(TensorFrame::release);
        frames = List.of();
        version = -1;
    }
}
