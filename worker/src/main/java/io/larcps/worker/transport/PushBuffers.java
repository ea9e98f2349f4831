package io.larcps.worker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct chunk buffers kept from push to push. A fresh direct buffer per chunk is memory touched for
 * the first time at every step, a page fault per 4 KiB (docs/performance.md measured about 6,500
 * faults per ResNet-50 round on each worker); reused buffers are already mapped.
 *
 * <p>A chunk goes out as a retained slice of a kept buffer, so the buffer is free again once Netty
 * has written and released every frame cut from it: its reference count is back to the pool's own
 * one. Consecutive chunks are packed into the buffer being filled: most of a model's tensors are far
 * smaller than a chunk (ResNet-50's batch-norm vectors), and a buffer per small chunk used up the
 * kept buffers long before the bytes-in-flight bound, after which every chunk took a one-off buffer.
 * At most that bound's worth of buffers is kept (plus a few for releases that trail the write
 * promises); past that a chunk gets a one-off buffer, freed when it is written.
 *
 * <p>Thread-safe: pushes encode on the caller's thread and on event loops.
 */
final class PushBuffers implements AutoCloseable {
    private static final int SLACK = 4;
    /** Packed chunks start on cache-line boundaries, so no two chunks share a line. */
    private static final int ALIGNMENT = 64;

    private final int chunkBytes;
    private final int maxKept;
    private final List<ByteBuf> kept = new ArrayList<>();
    private ByteBuf filling;
    private int fillPosition;
    private boolean closed;

    PushBuffers(int chunkBytes, long maxBytesInFlight) {
        this.chunkBytes = chunkBytes;
        this.maxKept = (int) Math.min(Integer.MAX_VALUE - SLACK, Math.max(1, maxBytesInFlight / Math.max(1, chunkBytes))) + SLACK;
    }

    /** An empty buffer with room for exactly {@code bytes}; the caller owns one reference. */
    synchronized ByteBuf take(int bytes) {
        if (bytes == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        if (bytes > chunkBytes || closed) {
            return Unpooled.directBuffer(bytes, bytes);
        }
        if (filling == null || fillPosition + bytes > chunkBytes) {
            filling = freeKeptBuffer();
            fillPosition = 0;
            if (filling == null) {
                return Unpooled.directBuffer(bytes, bytes);
            }
        }
        ByteBuf slice = filling.retainedSlice(fillPosition, bytes).clear();
        fillPosition = Math.min(chunkBytes, (fillPosition + bytes + ALIGNMENT - 1) & -ALIGNMENT);
        return slice;
    }

    /** A kept buffer no frame refers to any more, or a new one while fewer than the bound are kept; else null. */
    private ByteBuf freeKeptBuffer() {
        for (ByteBuf buffer : kept) {
            if (buffer.refCnt() == 1) {
                return buffer;
            }
        }
        if (kept.size() >= maxKept) {
            return null;
        }
        ByteBuf buffer = Unpooled.directBuffer(chunkBytes, chunkBytes);
        kept.add(buffer);
        return buffer;
    }

    /** How many buffers are kept: a gauge for tests and metrics. */
    synchronized int kept() {
        return kept.size();
    }

    /** Drops the pool's references; buffers still being written are freed by their last release. */
    @Override
    public synchronized void close() {
        closed = true;
        kept.forEach(ByteBuf::release);
        kept.clear();
        filling = null;
    }
}
