package io.larcps.worker.transport;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.frame.FloatBodies;
import io.larcps.proto.frame.TensorFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull of weight version {@code version}: copies WEIGHTS chunks into the caller's arrays as they
 * arrive and completes once every element of every tensor is in.
 *
 * <p>Chunks arrive on the event loops of the shard connections, possibly several at once. Each
 * tensor comes from one shard, and its coverage is guarded by its own lock, so chunks of different
 * tensors copy in parallel. The element countdown is atomic: every copy happens before its
 * decrement, and the decrement that reaches zero completes the future, which publishes all copies
 * to the thread that sees the completion.
 */
final class PullOperation {

    private static final Logger log = LoggerFactory.getLogger(PullOperation.class);

    private final long version;
    private final float[][] into;
    private final ShardRouting routing;
    private final ChunkCoverage[] coverage;
    private final AtomicLong remaining;
    private final CompletableFuture<Void> future = new CompletableFuture<>();
    private final Consumer<PullOperation> beforeCompletion;

    /**
     * @param beforeCompletion runs before the future completes either way (frees the client's pull
     *     slot), so a caller reacting to the completion can start the next pull at once
     */
    PullOperation(long version, float[][] into, ShardRouting routing, Consumer<PullOperation> beforeCompletion) {
        this.version = version;
        this.into = into;
        this.routing = routing;
        this.beforeCompletion = beforeCompletion;
        this.coverage = new ChunkCoverage[routing.tensorCount()];
        for (int i = 0; i < coverage.length; i++) {
            coverage[i] = new ChunkCoverage();
        }
        this.remaining = new AtomicLong(routing.totalElements());
    }

    long version() {
        return version;
    }

    CompletableFuture<Void> future() {
        return future;
    }

    void fail(Throwable cause) {
        beforeCompletion.accept(this);
        future.completeExceptionally(cause);
    }

    /** Completes a pull of a layout without elements, which no WEIGHTS chunk would ever complete. */
    void completeIfNothingToReceive() {
        if (remaining.get() == 0) {
            complete();
        }
    }

    private void complete() {
        beforeCompletion.accept(this);
        future.complete(null);
    }

    /**
     * Takes one WEIGHTS chunk of this version that arrived from {@code from}; the caller still owns
     * and releases the frame. A chunk that does not fit the routing fails the pull.
     */
    void accept(TensorFrame frame, Endpoint from) {
        FrameHeader header = frame.header();
        String mismatch = mismatch(header, from);
        if (mismatch != null) {
            fail(new DataPlaneException(from, "WEIGHTS chunk of version " + version + " rejected: " + mismatch));
            return;
        }
        int tensorId = header.getTensorId();
        int offset = (int) header.getChunkOffset();
        int length = (int) header.getChunkLength();
        if (length == 0) {
            return;
        }
        ChunkCoverage tensorCoverage = coverage[tensorId];
        synchronized (tensorCoverage) {
            // A failed pull leaves the caller free to reuse its arrays: stop writing into them.
            if (future.isDone()) {
                return;
            }
            try {
                if (!tensorCoverage.add(offset, length)) {
                    log.debug("dropping a repeated WEIGHTS chunk [{}, +{}) of {} version {} from {}",
                            offset, length, routing.describe(tensorId), version, from);
                    return;
                }
            } catch (IllegalArgumentException e) {
                fail(new DataPlaneException(from, "WEIGHTS chunk of " + routing.describe(tensorId) + " version "
                        + version + " rejected: " + e.getMessage()));
                return;
            }
            FloatBodies.read(frame.body(), into[tensorId], offset);
        }
        if (remaining.addAndGet(-length) == 0) {
            complete();
        }
    }

    private String mismatch(FrameHeader header, Endpoint from) {
        int tensorId = header.getTensorId();
        if (tensorId >= routing.tensorCount()) {
            return "tensor_id " + tensorId + " is not in the layout of " + routing.tensorCount() + " tensors";
        }
        if (header.getDtype() != DType.FLOAT32) {
            return routing.describe(tensorId) + " arrived as " + header.getDtype() + ", the layout says FLOAT32";
        }
        if (header.getElementCount() != routing.elementCount(tensorId)) {
            return routing.describe(tensorId) + " arrived with element_count " + header.getElementCount()
                    + ", the layout says " + routing.elementCount(tensorId);
        }
        Endpoint owner = routing.endpointOf(routing.shardOf(tensorId));
        if (!owner.equals(from)) {
            return routing.describe(tensorId) + " belongs to shard " + routing.shardOf(tensorId) + " at " + owner;
        }
        return null;
    }
}
