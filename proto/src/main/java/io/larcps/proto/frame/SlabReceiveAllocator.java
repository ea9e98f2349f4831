package io.larcps.proto.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Socket read buffers cut from kept slabs ({@link KeptSlabs}) instead of Netty's allocator, sized by
 * Netty's adaptive guess. A data-plane frame holds on to the reads it spans until its consumer
 * releases it; with Netty 4.2's default allocator those reads came from pool chunks that were freed
 * and allocated again, zeroed and faulted in, round after round (docs/performance.md). Kept slabs
 * are touched once. Past {@code maxSlabs} in use, reads fall back to the channel's allocator.
 *
 * <p>One instance serves every channel of an endpoint or client, with one cursor per event-loop
 * thread: Netty reads a socket into a slice through its slab's single internal NIO view, so two
 * threads reading into slices of one slab at once would scatter each other's bytes (a test saw it).
 * Each read takes one lock, once. Set it with {@code ChannelOption.RCVBUF_ALLOCATOR}.
 */
public final class SlabReceiveAllocator implements MaxMessagesRecvByteBufAllocator, AutoCloseable {
    /** Slabs of 1 MiB hold 16 of the largest (64 KiB) reads. */
    public static final int SLAB_BYTES = 1 << 20;
    /**
     * Reads per wake-up of the event loop, as Netty's NIO channels set for their own default
     * allocator; a directly constructed {@link AdaptiveRecvByteBufAllocator} would read once.
     */
    private static final int READS_PER_WAKE_UP = 16;

    private final AdaptiveRecvByteBufAllocator sizing = new AdaptiveRecvByteBufAllocator();
    private final KeptSlabs slabs;
    private final Map<Thread, SlabCursor> cursorsByThread = new HashMap<>();
    private final AtomicLong fallbacks = new AtomicLong();

    /** @param keptBytes the most receive memory kept for reuse, in whole slabs of {@link #SLAB_BYTES} */
    public SlabReceiveAllocator(long keptBytes) {
        this.slabs = new KeptSlabs(SLAB_BYTES, (int) Math.max(1, Math.min(Integer.MAX_VALUE, keptBytes / SLAB_BYTES)));
        sizing.maxMessagesPerRead(READS_PER_WAKE_UP);
    }

    @Override
    public Handle newHandle() {
        return new DelegatingHandle(sizing.newHandle()) {
            @Override
            public ByteBuf allocate(ByteBufAllocator fallback) {
                int bytes = guess();
                ByteBuf piece = take(bytes);
                if (piece != null) {
                    return piece;
                }
                fallbacks.incrementAndGet();
                return fallback.ioBuffer(bytes);
            }
        };
    }

    @Override
    public int maxMessagesPerRead() {
        return sizing.maxMessagesPerRead();
    }

    @Override
    public SlabReceiveAllocator maxMessagesPerRead(int maxMessagesPerRead) {
        sizing.maxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    private synchronized ByteBuf take(int bytes) {
        SlabCursor cursor = cursorsByThread.get(Thread.currentThread());
        if (cursor == null) {
            // A new thread (an event loop started or restarted): let go of the slabs of finished ones.
            cursorsByThread.entrySet().removeIf(entry -> {
                boolean finished = !entry.getKey().isAlive();
                if (finished) {
                    entry.getValue().close();
                }
                return finished;
            });
            cursor = new SlabCursor(slabs);
            cursorsByThread.put(Thread.currentThread(), cursor);
        }
        return cursor.take(bytes);
    }

    /** How many slabs are kept: a gauge for tests and metrics. */
    public int kept() {
        return slabs.kept();
    }

    /** Reads that found every kept slab in use and came from the channel's allocator: a counter. */
    public long fallbacks() {
        return fallbacks.get();
    }

    /** Stops handing out slabs; reads still held free theirs when released. */
    @Override
    public synchronized void close() {
        cursorsByThread.values().forEach(SlabCursor::close);
        cursorsByThread.clear();
        slabs.close();
    }
}
