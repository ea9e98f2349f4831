package io.larcps.proto.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.FrameHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TensorChunkerTest {

    /** 4096 + 24 bytes of frame allow a 24-byte chunk: 6 FLOAT32 or 3 FLOAT64 elements. */
    private static final TensorChunker CHUNKER = new TensorChunker(new FrameSettings(4096 + 24, 24));

    @BeforeAll
    static void leakDetection() {
        Frames.paranoidLeakDetection();
    }

    @Test
    void splitsABufferIntoWholeElementChunksThatShareItsMemory() {
        byte[] bytes = Frames.randomBytes(7 * 8, 51);
        ByteBuf tensor = Unpooled.buffer(bytes.length).writeBytes(bytes);
        FrameHeader template = Frames.gradientHeader(5, 0, 0, 0).toBuilder().setDtype(DType.FLOAT64).build();

        List<TensorFrame> frames = CHUNKER.split(template, tensor);

        assertThat(frames).extracting(f -> f.header().getChunkOffset()).containsExactly(0L, 3L, 6L);
        assertThat(frames).extracting(f -> f.header().getChunkLength()).containsExactly(3L, 3L, 1L);
        assertThat(frames).allSatisfy(f -> {
            assertThat(f.header().getElementCount()).isEqualTo(7);
            assertThat(f.header().getTensorId()).isEqualTo(5);
            assertThat(f.header().getSampleCount()).isEqualTo(32);
        });
        assertThat(Frames.bodyBytes(frames.get(2))).isEqualTo(java.util.Arrays.copyOfRange(bytes, 48, 56));
        assertThat(tensor.refCnt()).isEqualTo(4);
        tensor.release();
        Frames.releaseAll(frames);
    }

    @Test
    void splitsAFloatArrayIntoLittleEndianChunks() {
        float[] tensor = {1f, -2f, 3.5f, 4f, 5f, 6f, 7f};

        List<TensorFrame> frames = CHUNKER.split(Frames.gradientHeader(1, 0, 0, 0), tensor, UnpooledByteBufAllocator.DEFAULT);

        assertThat(frames).extracting(f -> f.header().getChunkLength()).containsExactly(6L, 1L);
        assertThat(frames.get(0).header().getDtype()).isEqualTo(DType.FLOAT32);
        ByteBuf first = Unpooled.wrappedBuffer(Frames.bodyBytes(frames.get(0)));
        assertThat(first.getFloatLE(4)).isEqualTo(-2f);
        assertThat(first.getByte(8)).isEqualTo((byte) 0x00);
        assertThat(first.getByte(11)).isEqualTo((byte) 0x40);
        Frames.releaseAll(frames);
    }

    @Test
    void anEmptyTensorStillGivesOneFrame() {
        List<TensorFrame> frames = CHUNKER.split(Frames.gradientHeader(1, 0, 0, 0), new float[0],
                UnpooledByteBufAllocator.DEFAULT);

        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.header().getElementCount()).isZero();
            assertThat(f.body().readableBytes()).isZero();
        });
        Frames.releaseAll(frames);
    }

    @Test
    void refusesBytesThatAreNotWholeElementsAndReleasesNothingOfTheCallers() {
        ByteBuf tensor = Unpooled.buffer(6).writeZero(6);

        assertThatThrownBy(() -> CHUNKER.split(Frames.gradientHeader(1, 0, 0, 0), tensor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6 bytes is not a whole number of FLOAT32 elements");
        assertThat(tensor.refCnt()).isEqualTo(1);
        tensor.release();
    }

    @Test
    void anInvalidTemplateLeavesNoSliceBehind() {
        ByteBuf tensor = Unpooled.buffer(8).writeZero(8);
        FrameHeader noKind = Frames.gradientHeader(1, 0, 0, 0).toBuilder().clearKind().build();

        assertThatThrownBy(() -> CHUNKER.split(noKind, tensor)).isInstanceOf(InvalidFrameException.class);
        assertThat(tensor.refCnt()).isEqualTo(1);
        tensor.release();
    }
}
