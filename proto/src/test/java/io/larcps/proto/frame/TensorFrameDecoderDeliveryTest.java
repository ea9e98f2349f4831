package io.larcps.proto.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.data.FrameHeader;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The decoder must not care how the bytes of a frame are cut into reads. */
class TensorFrameDecoderDeliveryTest {

    private static final FrameHeader FIRST = Frames.gradientHeader(0, 0, 5, 5);
    private static final FrameHeader SECOND = Frames.gradientHeader(1, 3, 2, 9);
    private static final byte[] FIRST_BODY = Frames.randomBytes(20, 11);
    private static final byte[] SECOND_BODY = Frames.randomBytes(8, 12);
    private static final byte[] FIRST_WIRE = Frames.raw(FIRST, FIRST_BODY);
    private static final byte[] TWO_FRAMES = Frames.concat(FIRST_WIRE, Frames.raw(SECOND, SECOND_BODY));

    @BeforeAll
    static void leakDetection() {
        Frames.paranoidLeakDetection();
    }

    @Test
    void twoFramesDeliveredOneByteAtATimeComeOutExactlyWhenTheirLastByteArrives() {
        EmbeddedChannel channel = Frames.decoderChannel();
        List<TensorFrame> frames = new ArrayList<>();
        List<Integer> completedAt = new ArrayList<>();

        for (int i = 0; i < TWO_FRAMES.length; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(TWO_FRAMES, i, 1));
            for (TensorFrame frame : Frames.drainInbound(channel)) {
                frames.add(frame);
                completedAt.add(i);
            }
        }
        assertThat(channel.finish()).isFalse();

        assertThat(completedAt).containsExactly(FIRST_WIRE.length - 1, TWO_FRAMES.length - 1);
        assertTwoFrames(frames);
    }

    @Test
    void twoFramesSplitIntoTwoReadsAtEveryPossibleOffsetDecodeIdentically() {
        for (int split = 0; split <= TWO_FRAMES.length; split++) {
            EmbeddedChannel channel = Frames.decoderChannel();
            channel.writeInbound(Unpooled.wrappedBuffer(TWO_FRAMES, 0, split));
            List<TensorFrame> frames = new ArrayList<>(Frames.drainInbound(channel));
            assertThat(frames).as("frames out after the first %d bytes", split)
                    .hasSize(split >= FIRST_WIRE.length ? (split == TWO_FRAMES.length ? 2 : 1) : 0);
            channel.writeInbound(Unpooled.wrappedBuffer(TWO_FRAMES, split, TWO_FRAMES.length - split));
            frames.addAll(Frames.drainInbound(channel));
            assertThat(channel.finish()).isFalse();
            assertTwoFrames(frames);
        }
    }

    @Test
    void aFrameCutAtEachFieldBoundaryDecodes() {
        int headerLength = FIRST.getSerializedSize();
        // After the frame length, after the header length, after the header, inside the body.
        int[] cuts = {4, 8, 8 + headerLength, 8 + headerLength + 7};
        EmbeddedChannel channel = Frames.decoderChannel();
        int from = 0;
        for (int cut : cuts) {
            channel.writeInbound(Unpooled.wrappedBuffer(FIRST_WIRE, from, cut - from));
            assertThat(Frames.nextInbound(channel)).as("frame out after %d bytes", cut).isNull();
            from = cut;
        }
        channel.writeInbound(Unpooled.wrappedBuffer(FIRST_WIRE, from, FIRST_WIRE.length - from));
        List<TensorFrame> frames = Frames.drainInbound(channel);
        assertThat(channel.finish()).isFalse();

        assertThat(frames).extracting(TensorFrame::header).containsExactly(FIRST);
        assertThat(Frames.bodyBytes(frames.get(0))).isEqualTo(FIRST_BODY);
        Frames.releaseAll(frames);
    }

    @Test
    void closingAfterWholeFramesIsClean() {
        EmbeddedChannel channel = Frames.decoderChannel();
        channel.writeInbound(Unpooled.wrappedBuffer(TWO_FRAMES));

        assertThat(channel.finish()).isTrue();
        assertTwoFrames(Frames.drainInbound(channel));
    }

    private static void assertTwoFrames(List<TensorFrame> frames) {
        assertThat(frames).extracting(TensorFrame::header).containsExactly(FIRST, SECOND);
        assertThat(Frames.bodyBytes(frames.get(0))).isEqualTo(FIRST_BODY);
        assertThat(Frames.bodyBytes(frames.get(1))).isEqualTo(SECOND_BODY);
        Frames.releaseAll(frames);
    }
}
