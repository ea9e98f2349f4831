package io.larcps.proto.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.FrameHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A frame built locally obeys the same rules the decoder enforces on received frames. */
class TensorFrameTest {

    @BeforeAll
    static void leakDetection() {
        Frames.paranoidLeakDetection();
    }

    @Test
    void bodyMustBeChunkLengthTimesDtypeSize() {
        FrameHeader float64Chunk = Frames.gradientHeader(0, 0, 3, 3).toBuilder().setDtype(DType.FLOAT64).build();
        ByteBuf body = Unpooled.buffer(12).writeZero(12);

        assertThatThrownBy(() -> new TensorFrame(float64Chunk, body))
                .isInstanceOf(InvalidFrameException.class)
                .hasMessageContaining("body is 12 bytes but chunk_length 3 x 8 bytes (FLOAT64) needs 24");
        // A rejected body still belongs to the caller.
        assertThat(body.release()).isTrue();
    }

    @Test
    void halfPrecisionChunksAreTwoBytesPerElement() {
        for (DType dtype : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
            TensorFrame frame = new TensorFrame(Frames.gradientHeader(0, 0, 3, 3).toBuilder().setDtype(dtype).build(),
                    Unpooled.buffer(6).writeZero(6));
            assertThat(frame.body().readableBytes()).isEqualTo(6);
            assertThat(frame.release()).isTrue();
        }
    }

    @Test
    void referenceCountIsTheBodysAndDuplicatesKeepTheHeader() {
        TensorFrame frame = Frames.gradient(3, 4, 31);

        TensorFrame duplicate = frame.retainedDuplicate();

        assertThat(duplicate.header()).isEqualTo(frame.header());
        assertThat(duplicate).isEqualTo(frame);
        assertThat(frame.refCnt()).isEqualTo(2);
        assertThat(duplicate.release()).isFalse();
        assertThat(frame.release()).isTrue();
        assertThat(frame.refCnt()).isZero();
    }

    @Test
    void framesWithEqualBodiesButDifferentHeadersDiffer() {
        TensorFrame a = Frames.gradient(1, 2, 41);
        TensorFrame b = new TensorFrame(Frames.gradientHeader(2, 0, 2, 2), a.body().retainedDuplicate());

        assertThat(a).isNotEqualTo(b);
        a.release();
        b.release();
        assertThat(a.refCnt()).isZero();
    }
}
