package io.larcps.worker.transport;

import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.frame.TensorFrame;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One push (or seed): every tensor cut into chunk-bytes frames, each encoded just before it is written,
 * so the {@link InFlightBudget} bounds how much of the model sits queued for the sockets at once. A
 * chunk of a heap array is copied into a reused direct buffer ({@link PushBuffers}); a chunk of direct
 * values is written from where it lies, unless the connection is in process ({@link TensorValues}).
 *
 * <p>Encoding runs on whichever thread calls {@link #pump()}: the caller's thread until the budget is
 * exhausted, then the event-loop thread whose completed write freed room. A work-in-progress counter
 * lets only one thread encode at a time and makes a pump request that arrives meanwhile loop once
 * more, so no wake-up is lost and the cursor fields need no lock.
 */
final class PushOperation {

    private final FrameHeader template;
    private final TensorValues tensors;
    private final ShardRouting routing;
    private final ShardChannels channels;
    private final InFlightBudget budget;
    private final PushBuffers buffers;
    private final int chunkElements;
    private final CompletableFuture<Void> future = new CompletableFuture<>();
    private final AtomicInteger pumpRequests = new AtomicInteger();
    // One token for "not all chunks submitted yet" plus one per write still in progress.
    private final AtomicInteger unfinished = new AtomicInteger(1);
    private final Runnable retry = this::pump;

    // Confined to the thread currently inside drain().
    private int tensor;
    private int offset;
    private boolean allSubmitted;

    /**
     * @param template kind, job, step, rank and sample count of every frame; tensor and chunk fields
     *     are filled in per chunk
     */
    PushOperation(FrameHeader template, TensorValues tensors, ShardRouting routing, ShardChannels channels,
                  InFlightBudget budget, PushBuffers buffers, int chunkBytes) {
        this.template = template;
        this.tensors = tensors;
        this.routing = routing;
        this.channels = channels;
        this.budget = budget;
        this.buffers = buffers;
        this.chunkElements = chunkBytes / Float.BYTES;
    }

    long step() {
        return template.getStep();
    }

    /** Completes when every frame has been written to its socket (not when a shard applied it). */
    CompletableFuture<Void> future() {
        return future;
    }

    /** Encodes and writes as many chunks as the budget allows; safe to call from any thread, any time. */
    void pump() {
        if (pumpRequests.getAndIncrement() != 0) {
            return;
        }
        int requests = 1;
        do {
            drain();
            requests = pumpRequests.addAndGet(-requests);
        } while (requests != 0);
    }

    /** Stops sending; chunks already handed to Netty still complete and return their budget. */
    void fail(Throwable cause) {
        if (future.completeExceptionally(cause)) {
            budget.cancel(retry);
        }
    }

    private void drain() {
        while (!future.isDone() && tensor < tensors.count()) {
            if (!sendNextChunk()) {
                return;
            }
        }
        if (tensor == tensors.count() && !allSubmitted) {
            allSubmitted = true;
            finishOne();
        }
    }

    private boolean sendNextChunk() {
        int elements = tensors.length(tensor);
        int length = Math.min(chunkElements, elements - offset);
        int bytes = length * Float.BYTES;
        if (!budget.tryAcquire(bytes, retry)) {
            return false;
        }
        TensorFrame frame;
        try {
            frame = encode(elements, length);
        } catch (RuntimeException | OutOfMemoryError e) {
            // Exhausted direct memory is an OutOfDirectMemoryError: fail this push, not the thread
            // pumping it, which may be an event loop serving every connection.
            budget.release(bytes);
            fail(new IllegalStateException("could not encode chunk at element " + offset + " of "
                    + routing.describe(tensor) + " for step " + step(), e));
            return false;
        }
        unfinished.incrementAndGet();
        channels.send(routing.shardOf(tensor), frame, cause -> written(bytes, cause));
        offset += length;
        // An empty tensor still gets its one empty frame, so the shard sees every tensor of the step.
        if (offset >= elements) {
            tensor++;
            offset = 0;
        }
        return true;
    }

    private TensorFrame encode(int elements, int length) {
        // The shard field only routes pulls; set here too so a shard's ERROR frame, which echoes it,
        // names the shard even when several share an endpoint.
        int shard = routing.shardOf(tensor);
        FrameHeader header = template.toBuilder()
                .setShard(shard)
                .setTensorId(tensor)
                .setChunkOffset(offset)
                .setChunkLength(length)
                .setElementCount(elements)
                .build();
        ByteBuf body = tensors.chunk(tensor, offset, length, buffers, shard, channels.inProcess(shard));
        try {
            return new TensorFrame(header, body);
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
    }

    private void written(int bytes, Throwable cause) {
        budget.release(bytes);
        if (cause != null) {
            fail(cause);
        } else {
            finishOne();
        }
    }

    private void finishOne() {
        if (unfinished.decrementAndGet() == 0) {
            future.complete(null);
        }
    }
}
