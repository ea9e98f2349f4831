package io.larcps.server.shard;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.proto.frame.FloatBodies;
import io.larcps.proto.frame.TensorChunker;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.server.optim.TensorState;
import io.larcps.server.transport.FrameSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The current weights encoded as WEIGHTS frame bodies, encoded on the first pull after they changed
 * and shared by every worker that pulls them: K workers cost one encoding, not K. Each pull gets the
 * frames under the version it asked for (in asynchronous mode workers ask for different versions of
 * the same weights); only the small header differs.
 *
 * <p>The bodies are kept from version to version and overwritten in place, because memory touched
 * for the first time costs more than the encoding itself (a page fault per 4 KiB: docs/performance.md
 * measured 159 ms for 51 MB into fresh buffers against 4 ms into reused ones). There are two sets, so
 * the previous version's frames may still sit in a slow worker's socket queue while the next one is
 * encoded; a set is overwritten only when every frame sent from it has been written and released
 * (its buffers' reference counts are back to the cache's own one). When both are still busy a third
 * set is allocated and the busy spare is left to be freed by its last writer.
 */
final class WeightsCache implements AutoCloseable {
    private final String jobId;
    private final int chunkElements;
    private final ByteBufAllocator allocator;
    private Encoding current;
    private Encoding spare;
    private int allocations;

    WeightsCache(String jobId, TensorChunker chunker, ByteBufAllocator allocator) {
        this.jobId = jobId;
        this.chunkElements = chunker.chunkBytes() / Float.BYTES;
        this.allocator = allocator;
    }

    /**
     * Sends the weights to a peer as version {@code label}.
     *
     * @param contentVersion changes whenever the weights change; the bodies are encoded again then
     */
    void send(long contentVersion, long label, Map<Integer, TensorState> tensors, FrameSink sink) {
        if (current == null || current.content != contentVersion) {
            Encoding next = spare != null && spare.idle() ? spare : null;
            if (next == null) {
                // Let go of a busy spare before allocating, so a failed allocation cannot leave a
                // released set behind to be reused or released again.
                Encoding busy = spare;
                spare = null;
                if (busy != null) {
                    busy.release();
                }
                next = allocate(tensors);
            } else {
                spare = null;
            }
            Encoding previous = current;
            current = next;
            spare = previous;
            current.fill(contentVersion, tensors);
        }
        for (int i = 0; i < current.bodies.length; i++) {
            sink.write(new TensorFrame(current.headers[i].toBuilder().setStep(label).build(),
                    current.bodies[i].retainedDuplicate()));
        }
        sink.flush();
    }

    /** How many sets of bodies were allocated so far: 2 when every pull finished before the next version. */
    int allocations() {
        return allocations;
    }

    private Encoding allocate(Map<Integer, TensorState> tensors) {
        List<FrameHeader> headers = new ArrayList<>();
        List<ByteBuf> bodies = new ArrayList<>();
        try {
            tensors.forEach((id, state) -> {
                int offset = 0;
                do {
                    int length = Math.min(chunkElements, state.size() - offset);
                    headers.add(FrameHeader.newBuilder()
                            .setKind(FrameKind.WEIGHTS)
                            .setJobId(jobId)
                            .setTensorId(id)
                            .setDtype(DType.FLOAT32)
                            .setElementCount(state.size())
                            .setChunkOffset(offset)
                            .setChunkLength(length)
                            .build());
                    bodies.add(allocator.directBuffer(length * Float.BYTES, length * Float.BYTES));
                    offset += length;
                } while (offset < state.size());
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            bodies.forEach(ByteBuf::release);
            throw e;
        }
        allocations++;
        return new Encoding(headers.toArray(FrameHeader[]::new), bodies.toArray(ByteBuf[]::new));
    }

    /** Releases the encoded bodies; frames still being written keep theirs until they are done. */
    @Override
    public void close() {
        if (current != null) {
            current.release();
        }
        if (spare != null) {
            spare.release();
        }
        current = null;
        spare = null;
    }

    /** One set of frame headers (without the step) and bodies covering every tensor of the shard. */
    private static final class Encoding {
        final FrameHeader[] headers;
        final ByteBuf[] bodies;
        long content = -1;

        Encoding(FrameHeader[] headers, ByteBuf[] bodies) {
            this.headers = headers;
            this.bodies = bodies;
        }

        /** True when no frame sent from this set still holds its body. */
        boolean idle() {
            for (ByteBuf body : bodies) {
                if (body.refCnt() != 1) {
                    return false;
                }
            }
            return true;
        }

        void fill(long contentVersion, Map<Integer, TensorState> tensors) {
            // Half-written bodies must never pass for any version.
            content = -1;
            for (int i = 0; i < bodies.length; i++) {
                FrameHeader header = headers[i];
                ByteBuf body = bodies[i].clear();
                FloatBodies.write(tensors.get(header.getTensorId()).weights(), (int) header.getChunkOffset(),
                        (int) header.getChunkLength(), body);
            }
            content = contentVersion;
        }

        void release() {
            for (ByteBuf body : bodies) {
                body.release();
            }
        }
    }
}
