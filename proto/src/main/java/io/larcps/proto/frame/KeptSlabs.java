package io.larcps.proto.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Direct buffers ("slabs") kept for reuse, which {@link SlabCursor}s cut into pieces. Memory touched
 * once and kept costs nothing the next time it is used; memory freed and allocated again is zeroed
 * and faulted in again, a page fault per 4 KiB (docs/performance.md). A piece is a retained slice,
 * so a slab is free again once every piece cut from it has been released and no cursor is filling
 * it.
 *
 * <p>At most {@code maxSlabs} are kept. When every one is in use, {@link #takeSlab()} answers null and
 * the caller falls back to a one-off buffer. Thread-safe.
 */
public final class KeptSlabs implements AutoCloseable {
    private final int slabBytes;
    private final List<ByteBuf> slabs = new ArrayList<>();
    private final Set<ByteBuf> filling = Collections.newSetFromMap(new IdentityHashMap<>());
    private int maxSlabs;
    private boolean closed;

    public KeptSlabs(int slabBytes, int maxSlabs) {
        if (slabBytes < 1 || maxSlabs < 1) {
            throw new IllegalArgumentException("need slabs of at least 1 byte and at least one slab, got "
                    + maxSlabs + " of " + slabBytes + " bytes");
        }
        this.slabBytes = slabBytes;
        this.maxSlabs = maxSlabs;
    }

    public int slabBytes() {
        return slabBytes;
    }

    /** Allows one more slab: for an owner that adds a cursor, which pins the slab it fills. */
    public synchronized void allowOneMore() {
        if (maxSlabs < Integer.MAX_VALUE) {
            maxSlabs++;
        }
    }

    /** How many slabs are kept: a gauge for tests and metrics. */
    public synchronized int kept() {
        return slabs.size();
    }

    /** A slab no piece refers to and no cursor fills, now reserved for the caller's cursor; null when there is none. */
    synchronized ByteBuf takeSlab() {
        if (closed) {
            return null;
        }
        for (ByteBuf slab : slabs) {
            if (slab.refCnt() == 1 && filling.add(slab)) {
                return slab;
            }
        }
        if (slabs.size() >= maxSlabs) {
            return null;
        }
        ByteBuf slab = Unpooled.directBuffer(slabBytes, slabBytes);
        slabs.add(slab);
        filling.add(slab);
        return slab;
    }

    /** A whole free slab as one empty piece, of which the caller owns one reference; null when there is none. */
    public synchronized ByteBuf takeWhole() {
        ByteBuf slab = takeSlab();
        if (slab == null) {
            return null;
        }
        ByteBuf piece = slab.retainedSlice(0, slabBytes).clear();
        doneFilling(slab);
        return piece;
    }

    /** A cursor is done filling {@code slab}: it becomes free once its pieces are released. */
    synchronized void doneFilling(ByteBuf slab) {
        filling.remove(slab);
        if (closed) {
            slab.release();
        }
    }

    /**
     * Drops the kept references, but those of slabs a cursor still fills, which go when the cursor
     * is done; a slab with pieces still out is freed by the last piece's release.
     */
    @Override
    public synchronized void close() {
        closed = true;
        slabs.stream().filter(slab -> !filling.contains(slab)).forEach(ByteBuf::release);
        slabs.clear();
    }
}
