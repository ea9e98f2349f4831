package io.larcps.server.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.proto.frame.FloatBodies;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.TensorChunker;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.server.optim.TensorState;
import io.larcps.server.transport.FrameSink;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The encoded weights: reused between versions, never overwritten under a frame still being sent. */
class WeightsCacheTest {
    /** 4-float chunks: the 10-element tensor travels as 3 frames, the 3-element one as 1. */
    private final WeightsCache cache = new WeightsCache("job", new TensorChunker(new FrameSettings(1 << 20, 16)),
            PooledByteBufAllocator.DEFAULT);
    private final Map<Integer, TensorState> tensors = new LinkedHashMap<>();
    private final Holding peer = new Holding();

    WeightsCacheTest() {
        tensors.put(4, new TensorState("w", new float[10], false, false));
        tensors.put(9, new TensorState("b", new float[3], true, true));
    }

    @AfterEach
    void releaseEverything() {
        peer.releaseAll();
        cache.close();
    }

    private void setWeights(float base) {
        tensors.forEach((id, state) -> {
            float[] values = new float[state.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = base + id * 100 + i;
            }
            state.overwriteWeights(values);
        });
    }

    @Test
    void everyPullGetsTheCurrentWeightsUnderTheVersionItAskedFor() {
        setWeights(1000);
        cache.send(1, 7, tensors, peer);
        cache.send(1, 8, tensors, peer);

        assertThat(peer.held).hasSize(8);
        assertThat(peer.held.subList(0, 4)).allSatisfy(frame -> assertThat(frame.header().getStep()).isEqualTo(7));
        assertThat(peer.held.subList(4, 8)).allSatisfy(frame -> assertThat(frame.header().getStep()).isEqualTo(8));
        assertThat(peer.held).allSatisfy(frame -> assertThat(frame.header().getKind()).isEqualTo(FrameKind.WEIGHTS));
        assertThat(peer.tensor(4, 0, 4)).containsExactly(tensors.get(4).weights());
        assertThat(peer.tensor(9, 0, 4)).containsExactly(tensors.get(9).weights());
        assertThat(cache.allocations()).as("one encoding serves both pulls").isEqualTo(1);
    }

    @Test
    void aPullIsWrittenFrameByFrameAndFlushedOnce() {
        List<String> calls = new ArrayList<>();
        Holding counting = new Holding() {
            @Override
            public void write(TensorFrame frame) {
                calls.add("write");
                send(frame);
            }

            @Override
            public void flush() {
                calls.add("flush");
            }
        };
        cache.send(0, 0, tensors, counting);
        assertThat(calls).containsExactly("write", "write", "write", "write", "flush");
        counting.releaseAll();
    }

    @Test
    void versionsWhoseFramesWereWrittenReuseTwoSetsOfBuffers() {
        for (int version = 0; version < 6; version++) {
            setWeights(version * 1000);
            cache.send(version, version, tensors, peer);
            assertThat(peer.tensor(4, 0, 4)).containsExactly(tensors.get(4).weights());
            assertThat(peer.tensor(9, 0, 4)).containsExactly(tensors.get(9).weights());
            peer.releaseAll();
        }
        assertThat(cache.allocations()).isEqualTo(2);
    }

    @Test
    void framesStillQueuedToASlowPeerAreNeverOverwritten() {
        Holding slow = new Holding();
        setWeights(0);
        cache.send(0, 0, tensors, slow);
        float[] sentAtVersionZero = tensors.get(4).weights().clone();
        for (int version = 1; version < 4; version++) {
            setWeights(version * 1000);
            cache.send(version, version, tensors, peer);
            assertThat(peer.tensor(4, 0, 4)).containsExactly(tensors.get(4).weights());
            peer.releaseAll();
        }

        assertThat(slow.tensor(4, 0, 4)).containsExactly(sentAtVersionZero);
        assertThat(cache.allocations()).as("the held set is replaced, not reused").isEqualTo(3);
        slow.releaseAll();
    }

    @Test
    void aFailedAllocationLeavesNoReleasedSetBehind() {
        boolean[] failing = {false};
        ByteBufAllocator allocator = new AbstractByteBufAllocator(true) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                return Unpooled.buffer(initialCapacity, maxCapacity);
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                if (failing[0]) {
                    throw new OutOfMemoryError("no direct memory (test)");
                }
                return Unpooled.directBuffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        };
        try (WeightsCache cache = new WeightsCache("job", new TensorChunker(new FrameSettings(1 << 20, 16)), allocator)) {
            Holding slow = new Holding();
            setWeights(0);
            cache.send(0, 0, tensors, slow);
            float[] sentAtVersionZero = tensors.get(4).weights().clone();
            setWeights(1000);
            cache.send(1, 1, tensors, peer);
            peer.releaseAll();
            failing[0] = true;
            setWeights(2000);
            // Both sets are taken (version 0 is still queued to the slow peer): a new one is needed and fails.
            assertThatThrownBy(() -> cache.send(2, 2, tensors, peer)).isInstanceOf(OutOfMemoryError.class);
            failing[0] = false;

            assertThat(slow.tensor(4, 0, 4)).as("the queued frames keep their bytes").containsExactly(sentAtVersionZero);
            slow.releaseAll();
            cache.send(2, 2, tensors, peer);
            assertThat(peer.tensor(4, 0, 4)).containsExactly(tensors.get(4).weights());
            peer.releaseAll();
        }
    }

    /** A peer that keeps the frames it is sent, as a socket queue does until they are written. */
    private static class Holding implements FrameSink {
        final List<TensorFrame> held = new ArrayList<>();

        @Override
        public void send(TensorFrame frame) {
            held.add(frame);
        }

        @Override
        public void sendError(FrameHeader refused, ErrorCode code, String message) {
            throw new AssertionError("unexpected error frame: " + message);
        }

        @Override
        public String describe() {
            return "holding peer";
        }

        /** Reassembles one tensor from the {@code count} frames held from index {@code from}. */
        float[] tensor(int tensorId, int from, int count) {
            float[] values = null;
            for (TensorFrame frame : held.subList(from, from + count)) {
                FrameHeader header = frame.header();
                if (header.getTensorId() == tensorId) {
                    values = values == null ? new float[(int) header.getElementCount()] : values;
                    FloatBodies.read(frame.body(), values, (int) header.getChunkOffset());
                }
            }
            return values;
        }

        void releaseAll() {
            held.forEach(TensorFrame::release);
            held.clear();
        }
    }
}
