package io.larcps.worker.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.frame.FloatBodies;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoLeaks.class)
class PushBuffersTest {

    @Test
    void aWrittenChunkFreesItsBufferForTheNextPush() {
        try (PushBuffers buffers = new PushBuffers(64, 256)) {
            for (int push = 0; push < 5; push++) {
                ByteBuf chunk = buffers.take(0, 40);
                assertThat(chunk.readableBytes()).isZero();
                assertThat(chunk.writableBytes()).isEqualTo(40);
                FloatBodies.write(new float[10], 0, 10, chunk);
                chunk.release();
            }
            assertThat(buffers.kept()).isEqualTo(1);
        }
    }

    @Test
    void smallChunksArePackedIntoOneBufferWithoutOverlapping() {
        try (PushBuffers buffers = new PushBuffers(256, 1024)) {
            List<ByteBuf> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ByteBuf chunk = buffers.take(0, 8);
                FloatBodies.write(new float[] {i, -i}, 0, 2, chunk);
                inFlight.add(chunk);
            }
            assertThat(buffers.kept()).isEqualTo(1);
            for (int i = 0; i < 4; i++) {
                assertThat(inFlight.get(i).getFloatLE(0)).isEqualTo(i);
                assertThat(inFlight.get(i).getFloatLE(4)).isEqualTo(-i);
            }
            ByteBuf doesNotFit = buffers.take(0, 256);
            assertThat(buffers.kept()).as("a full chunk needs a buffer of its own").isEqualTo(2);
            doesNotFit.release();
            inFlight.forEach(ByteBuf::release);
            ByteBuf afterwards = buffers.take(0, 256);
            assertThat(buffers.kept()).as("both buffers are free again").isEqualTo(2);
            afterwards.release();
        }
    }

    @Test
    void aFullChunkTakesASlabOfItsOwnAndLeavesThePackingAlone() {
        try (PushBuffers buffers = new PushBuffers(256, 1024)) {
            ByteBuf tail = buffers.take(0, 8);
            ByteBuf full = buffers.take(0, 256);
            ByteBuf nextTail = buffers.take(0, 8);
            assertThat(nextTail.memoryAddress()).as("packed after the first tail").isEqualTo(tail.memoryAddress() + 64);
            assertThat(buffers.kept()).isEqualTo(2);
            long fullAddress = full.memoryAddress();
            full.release();
            ByteBuf again = buffers.take(1, 256);
            assertThat(again.memoryAddress()).as("a written full chunk frees its slab at once").isEqualTo(fullAddress);
            assertThat(buffers.kept()).isEqualTo(2);
            List.of(tail, nextTail, again).forEach(ByteBuf::release);
        }
    }

    @Test
    void aShardWhoseChunksAreStillOutHoldsUpOnlyItsOwnSlabs() {
        try (PushBuffers buffers = new PushBuffers(256, 1024)) {
            List<ByteBuf> lagging = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                lagging.add(buffers.take(0, 8));
                buffers.take(1, 56).release();
            }
            // Shard 0's 12 pieces fill 3 slabs (4 per slab at 64-byte alignment); shard 1 reuses 1.
            assertThat(buffers.kept()).isEqualTo(4);
            assertThat(buffers.oneOffs()).isZero();
            for (int i = 0; i < lagging.size(); i += 4) {
                for (int j = i + 1; j < i + 4; j++) {
                    assertThat(lagging.get(j).memoryAddress()).as("shard 0's piece %d is packed after piece %d", j, j - 1)
                            .isEqualTo(lagging.get(j - 1).memoryAddress() + 64);
                }
            }
            lagging.forEach(ByteBuf::release);
        }
    }

    @Test
    void chunksInFlightNeverOverlapAndTheirBytesStayPut() {
        try (PushBuffers buffers = new PushBuffers(16, 64)) {
            List<ByteBuf> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ByteBuf chunk = buffers.take(0, 16);
                FloatBodies.write(new float[] {i, i, i, i}, 0, 4, chunk);
                inFlight.add(chunk);
            }
            assertThat(buffers.kept()).isEqualTo(4);
            for (int i = 0; i < 4; i++) {
                assertThat(inFlight.get(i).getFloatLE(12)).isEqualTo(i);
            }
            inFlight.get(2).release();
            ByteBuf reused = buffers.take(0, 8);
            FloatBodies.write(new float[] {9, 9}, 0, 2, reused);
            assertThat(buffers.kept()).as("the freed buffer was taken again").isEqualTo(4);
            assertThat(inFlight.get(1).getFloatLE(0)).isEqualTo(1);
            assertThat(inFlight.get(3).getFloatLE(0)).isEqualTo(3);
            reused.release();
            inFlight.remove(2);
            inFlight.forEach(ByteBuf::release);
        }
    }

    @Test
    void everyShardsCursorGetsASlabOfItsOwnOnTopOfTheBound() {
        // 128 bytes in flight, 64-byte chunks: 2 x 2 + 4 = 8 slabs, plus one per shard with a cursor.
        try (PushBuffers buffers = new PushBuffers(64, 128)) {
            List<ByteBuf> lagging = new ArrayList<>();
            for (int shard = 0; shard < 10; shard++) {
                lagging.add(buffers.take(shard, 8));
            }
            ByteBuf full = buffers.take(0, 64);
            assertThat(buffers.kept()).isEqualTo(11);
            assertThat(buffers.oneOffs()).isZero();
            full.release();
            lagging.forEach(ByteBuf::release);
        }
    }

    @Test
    void pastTheBoundAChunkGetsAOneOffBuffer() {
        // 32 bytes in flight at most, 16-byte chunks: twice 2 slabs plus 4 of slack are kept.
        try (PushBuffers buffers = new PushBuffers(16, 32)) {
            List<ByteBuf> inFlight = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                inFlight.add(buffers.take(0, 16));
            }
            assertThat(buffers.kept()).isEqualTo(8);
            assertThat(buffers.oneOffs()).isEqualTo(2);
            assertThat(inFlight).allSatisfy(chunk -> assertThat(chunk.writableBytes()).isEqualTo(16));
            inFlight.forEach(ByteBuf::release);
        }
    }

    @Test
    void buffersStillBeingWrittenSurviveCloseAndAreFreedByTheirLastRelease() {
        PushBuffers buffers = new PushBuffers(16, 32);
        ByteBuf chunk = buffers.take(0, 16);
        buffers.close();
        FloatBodies.write(new float[] {1, 2, 3, 4}, 0, 4, chunk);
        assertThat(chunk.getFloatLE(4)).isEqualTo(2);
        assertThat(chunk.release()).isTrue();
    }
}
