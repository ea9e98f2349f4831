package io.larcps.proto.frame;

import io.netty.buffer.ByteBuf;

/**
 * Cuts consecutive pieces out of one {@link KeptSlabs} slab at a time, so that pieces released in
 * the order they were cut (one connection's writes or reads) free their slabs in that order too.
 * Most of a model's tensors are far smaller than a chunk (ResNet-50's batch-norm vectors), and a
 * whole buffer per small piece would use up the kept slabs long before the bytes they hold do.
 *
 * <p>Not thread-safe: confined to its owner or guarded by the owner's lock. A cursor that receives
 * socket reads must also stay on one thread, since Netty reads into a slice through its slab's one
 * internal NIO view ({@link SlabReceiveAllocator}).
 */
public final class SlabCursor {
    /** Pieces start on cache-line boundaries, so no two pieces share a line. */
    private static final int ALIGNMENT = 64;

    private final KeptSlabs slabs;
    private ByteBuf slab;
    private int position;

    public SlabCursor(KeptSlabs slabs) {
        this.slabs = slabs;
    }

    /**
     * An empty piece with room for exactly {@code bytes}, of which the caller owns one reference;
     * null when it is larger than a slab or every kept slab is in use.
     */
    public ByteBuf take(int bytes) {
        if (bytes > slabs.slabBytes()) {
            return null;
        }
        if (slab != null && slab.refCnt() == 1) {
            // Every piece cut so far is released: start the slab over instead of taking another.
            position = 0;
        }
        if (slab == null || position + bytes > slabs.slabBytes()) {
            close();
            slab = slabs.takeSlab();
            if (slab == null) {
                return null;
            }
        }
        ByteBuf piece = slab.retainedSlice(position, bytes).clear();
        position = Math.min(slabs.slabBytes(), (position + bytes + ALIGNMENT - 1) & -ALIGNMENT);
        return piece;
    }

    /** Stops filling the current slab, which becomes free once its pieces are released. */
    public void close() {
        if (slab != null) {
            slabs.doneFilling(slab);
            slab = null;
            position = 0;
        }
    }
}
