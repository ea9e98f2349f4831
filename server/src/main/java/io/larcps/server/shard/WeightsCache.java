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
 * The current weights encoded as WEIGHTS frames, built on the first pull after they changed and shared
 * by every worker that pulls them: K workers cost one encoding, not K. Each pull gets the frames under
 * the version it asked for (in asynchronous mode workers ask for different versions of the same
 * weights); only the small header differs.
 */
final class WeightsCache implements AutoCloseable {
    private final String jobId;
    private final TensorChunker chunker;
    private final ByteBufAllocator allocator;
    private long content = -1;
    private List<TensorFrame> frames = List.of();

    WeightsCache(String jobId, TensorChunker chunker, ByteBufAllocator allocator) {
        this.jobId = jobId;
        this.chunker = chunker;
        this.allocator = allocator;
    }

    /**
     * Sends the weights to a peer as version {@code label}.
     *
     * @param contentVersion changes whenever the weights change; the frames are encoded again then
     */
    void send(long contentVersion, long label, Map<Integer, TensorState> tensors, FrameSink sink) {
        if (content != contentVersion) {
            close();
            frames = encode(label, tensors);
            content = contentVersion;
        }
        for (TensorFrame frame : frames) {
            TensorFrame copy = frame.retainedDuplicate();
            sink.send(copy.header().getStep() == label ? copy
                    : new TensorFrame(copy.header().toBuilder().setStep(label).build(), copy.content()));
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
        content = -1;
    }
}
