package io.larcps.worker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorValuesTest {

    private static ByteBuffer direct(float... values) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer;
    }

    @Test
    void directValuesReadBackAsTheirFloats() {
        TensorValues values = TensorValues.direct(new ByteBuffer[] {direct(1f, -2.5f, Float.MIN_VALUE), direct()});

        assertThat(values.isDirect()).isTrue();
        assertThat(values.count()).isEqualTo(2);
        assertThat(values.length(0)).isEqualTo(3);
        assertThat(values.length(1)).isZero();
        assertThat(values.toArrays()).isDeepEqualTo(new float[][] {{1f, -2.5f, Float.MIN_VALUE}, {}});
    }

    @Test
    void directValuesAreThePositionToLimitFixedWhenMade() {
        ByteBuffer buffer = direct(1f, 2f, 3f, 4f);
        buffer.position(Float.BYTES).limit(3 * Float.BYTES);

        TensorValues values = TensorValues.direct(new ByteBuffer[] {buffer});
        buffer.position(0).limit(buffer.capacity());

        assertThat(values.length(0)).isEqualTo(2);
        assertThat(values.toArray(0)).containsExactly(2f, 3f);
    }

    @Test
    void aChunkOfDirectValuesIsTheMemoryItselfAndHoldsItsOwnerUntilReleased() {
        ByteBuffer buffer = direct(1f, 2f, 3f, 4f, 5f);
        Object owner = new Object();
        TensorValues values = TensorValues.direct(new ByteBuffer[] {buffer}, owner);

        ByteBuf chunk = values.chunk(0, 1, 3, null, 0, false);
        // Written after the chunk was cut: a copy would not see it.
        buffer.putFloat(2 * Float.BYTES, 30f);

        assertThat(chunk).isInstanceOf(HeldChunk.class);
        assertThat(chunk.readableBytes()).isEqualTo(3 * Float.BYTES);
        assertThat(chunk.getFloatLE(0)).isEqualTo(2f);
        assertThat(chunk.getFloatLE(Float.BYTES)).isEqualTo(30f);
        assertThat(chunk.getFloatLE(2 * Float.BYTES)).isEqualTo(4f);
        assertThat(((HeldChunk) chunk).holdsOwner()).isTrue();
        assertThat(chunk.release()).isTrue();
        assertThat(((HeldChunk) chunk).holdsOwner()).isFalse();
        // The wrapper never owned the memory: the caller's buffer is still usable.
        buffer.putFloat(0, 7f);
        assertThat(buffer.getFloat(0)).isEqualTo(7f);
    }

    @Test
    void aCopiedChunkOfDirectValuesIsASnapshotInASendBuffer() {
        ByteBuffer buffer = direct(1f, 2f, 3f, 4f);
        TensorValues values = TensorValues.direct(new ByteBuffer[] {buffer});
        try (PushBuffers sendBuffers = new PushBuffers(64, 256)) {
            ByteBuf chunk = values.chunk(0, 1, 2, sendBuffers, 0, true);
            buffer.putFloat(Float.BYTES, 20f);

            assertThat(chunk).isNotInstanceOf(HeldChunk.class);
            assertThat(chunk.readableBytes()).isEqualTo(2 * Float.BYTES);
            assertThat(chunk.getFloatLE(0)).isEqualTo(2f);
            assertThat(chunk.getFloatLE(Float.BYTES)).isEqualTo(3f);
            assertThat(sendBuffers.kept()).isEqualTo(1);
            chunk.release();
        }
    }

    @Test
    void anEmptyChunkOfDirectValuesHasNoBytes() {
        TensorValues values = TensorValues.direct(new ByteBuffer[] {direct()});

        assertThat(values.chunk(0, 0, 0, null, 0, false).readableBytes()).isZero();
    }

    @Test
    void heapArraysAreHeldAsGivenAndCopiedOnRead() {
        float[] tensor = {1f, 2f};
        TensorValues values = TensorValues.of(new float[][] {tensor});

        float[] copy = values.toArray(0);
        copy[0] = 9f;

        assertThat(values.isDirect()).isFalse();
        assertThat(values.toArray(0)).containsExactly(1f, 2f);
    }

    @Test
    void directValuesMustBeDirectLittleEndianWholeFloats() {
        assertThatThrownBy(() -> TensorValues.direct(new ByteBuffer[] {direct(1f), ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor 1 is on the heap");
        assertThatThrownBy(() -> TensorValues.direct(new ByteBuffer[] {ByteBuffer.allocateDirect(4)}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor 0's buffer is BIG_ENDIAN");
        assertThatThrownBy(() -> TensorValues.direct(new ByteBuffer[] {ByteBuffer.allocateDirect(6).order(ByteOrder.LITTLE_ENDIAN)}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor 0 has 6 bytes, not a whole number of floats");
        assertThatThrownBy(() -> TensorValues.direct(new ByteBuffer[] {null}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor 0 is null");
        assertThatThrownBy(() -> TensorValues.of(new float[][] {null}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensor 0 has no array");
    }
}
