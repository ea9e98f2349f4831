package io.larcps.worker.transport;

import io.larcps.proto.frame.KeptSlabs;
import io.larcps.proto.frame.SlabCursor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.Map;

/**
 * Direct chunk buffers kept from push to push. A fresh direct buffer per chunk is memory touched for
 * the first time at every step, a page fault per 4 KiB (docs/performance.md measured about 6,500
 * faults per ResNet-50 round on each worker); kept buffers are already mapped.
 *
 * <p>Chunks are cut from kept slabs of one chunk each ({@link KeptSlabs}). A full chunk takes a
 * slab of its own; shorter ones (tensor tails, small tensors) are packed one after the other, with
 * one cursor per shard: a shard's chunks are written in order on its connection, so its slabs come
 * free in order, and a connection that lags behind holds up only its own slabs. Twice the
 * bytes-in-flight bound's worth of slabs may be kept, since a packed slab can be held by one short
 * chunk while the rest of it is free, plus one per shard for the slab its cursor fills, plus a few
 * for releases that trail the write promises. Past that a chunk gets a one-off buffer, freed when it is written; a
 * profile of the ResNet-50 round found most of the workers' page faults there while the bound was
 * the bytes-in-flight one alone.
 *
 * <p>Thread-safe: pushes encode on the caller's thread and on event loops.
 */
final class PushBuffers implements AutoCloseable {
    private static final int SLACK = 4;

    private final KeptSlabs slabs;
    private final Map<Integer, SlabCursor> cursors = new HashMap<>();
    private boolean closed;
    private long oneOffs;

    PushBuffers(int chunkBytes, long maxBytesInFlight) {
        long inFlightSlabs = Math.max(1, maxBytesInFlight / Math.max(1, chunkBytes));
        this.slabs = new KeptSlabs(chunkBytes, (int) Math.min(Integer.MAX_VALUE - SLACK, 2 * inFlightSlabs) + SLACK);
    }

    /** An empty buffer with room for exactly {@code bytes} of a chunk for {@code shard}; the caller owns one reference. */
    synchronized ByteBuf take(int shard, int bytes) {
        if (bytes == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf piece = null;
        if (!closed) {
            piece = bytes == slabs.slabBytes() ? slabs.takeWhole() : cursorOf(shard).take(bytes);
        }
        if (piece != null) {
            return piece;
        }
        oneOffs++;
        return Unpooled.directBuffer(bytes, bytes);
    }

    /** The shard's packing cursor; each new one raises the bound by the slab it will pin. */
    private SlabCursor cursorOf(int shard) {
        SlabCursor cursor = cursors.get(shard);
        if (cursor == null) {
            cursor = new SlabCursor(slabs);
            cursors.put(shard, cursor);
            slabs.allowOneMore();
        }
        return cursor;
    }

    /** How many slabs are kept: a gauge for tests and metrics. */
    synchronized int kept() {
        return slabs.kept();
    }

    /** Chunks that took a one-off buffer, all kept slabs being in use (or the pool closed): a counter. */
    synchronized long oneOffs() {
        return oneOffs;
    }

    /** Drops the kept slabs; those still being written are freed by their last release. */
    @Override
    public synchronized void close() {
        closed = true;
        cursors.values().forEach(SlabCursor::close);
        cursors.clear();
        slabs.close();
    }
}
