package io.larcps.worker.transport;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import java.nio.ByteBuffer;

/**
 * A chunk of direct values written from where they lie: its release frees nothing, and until then it
 * keeps the memory's owner reachable. That matters for memory no Java object owns through the buffer
 * itself, such as an ND4J buffer seen through a ByteBuffer made over its native pointer: if the
 * worker were dropped while a chunk still sat in a socket's queue, its network could be collected
 * and the memory freed under the write.
 */
final class HeldChunk extends UnpooledDirectByteBuf {
    private Object owner;

    /** @param slice the chunk's bytes, position to limit; @param owner kept reachable until release, may be null */
    HeldChunk(ByteBuffer slice, Object owner) {
        // This constructor wraps the buffer without taking ownership: deallocate() leaves it alone.
        super(UnpooledByteBufAllocator.DEFAULT, slice, slice.remaining());
        this.owner = owner;
    }

    @Override
    protected void deallocate() {
        super.deallocate();
        owner = null;
    }

    /** Whether the owner is still held: until the last release. */
    boolean holdsOwner() {
        return owner != null;
    }
}
