package io.larcps.proto.frame;

import static io.larcps.proto.frame.Frames.SETTINGS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larcps.proto.data.FrameHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TensorFrameRoundTripTest {

    @BeforeAll
    static void leakDetection() {
        Frames.paranoidLeakDetection();
    }

    @Test
    void severalFramesIncludingMultiMebibyteAndEmptyBodiesSurviveTheRoundTrip() {
        int bigElements = (6 << 20) / Float.BYTES;
        byte[] small = Frames.randomBytes(12, 1);
        byte[] big = Frames.randomBytes(bigElements * Float.BYTES, 2);
        FrameHeader smallHeader = Frames.gradientHeader(0, 0, 3, 3);
        FrameHeader emptyChunkHeader = Frames.gradientHeader(1, 5, 0, 5);
        FrameHeader bigHeader = Frames.gradientHeader(2, 0, bigElements, bigElements);
        byte[] wire = Frames.encode(
                new TensorFrame(smallHeader, Unpooled.wrappedBuffer(small)),
                new TensorFrame(emptyChunkHeader, Unpooled.EMPTY_BUFFER),
                new TensorFrame(Frames.errorHeader(), Unpooled.EMPTY_BUFFER),
                new TensorFrame(bigHeader, Unpooled.wrappedBuffer(big)));

        EmbeddedChannel channel = Frames.decoderChannel();
        // Feed it in 64 KiB reads, as a socket would, so the composite cumulator does real work.
        for (int from = 0; from < wire.length; from += 65536) {
            channel.writeInbound(Unpooled.wrappedBuffer(wire, from, Math.min(65536, wire.length - from)));
        }
        List<TensorFrame> frames = Frames.drainInbound(channel);
        assertThat(channel.finish()).isFalse();

        assertThat(frames).extracting(TensorFrame::header)
                .containsExactly(smallHeader, emptyChunkHeader, Frames.errorHeader(), bigHeader);
        assertThat(Frames.bodyBytes(frames.get(0))).isEqualTo(small);
        assertThat(frames.get(1).body().readableBytes()).isZero();
        assertThat(frames.get(2).body().readableBytes()).isZero();
        assertThat(Frames.bodyBytes(frames.get(3))).isEqualTo(big);
        Frames.releaseAll(frames);
    }

    @Test
    void wireFormatIsLengthHeaderLengthHeaderThenRawBody() {
        byte[] body = Frames.randomBytes(8, 3);
        FrameHeader header = Frames.gradientHeader(4, 0, 2, 2);

        byte[] wire = Frames.encode(new TensorFrame(header, Unpooled.wrappedBuffer(body)));

        assertThat(wire).isEqualTo(Frames.raw(header, body));
        ByteBuf view = Unpooled.wrappedBuffer(wire);
        assertThat(view.readInt()).isEqualTo(wire.length - 4);
        assertThat(view.readInt()).isEqualTo(header.getSerializedSize());
    }

    @Test
    void encoderSendsTheCallersBodyWithoutCopyingIt() {
        ByteBuf body = Unpooled.buffer(16).writeBytes(Frames.randomBytes(16, 4));
        EmbeddedChannel channel = new EmbeddedChannel(new TensorFrameEncoder(SETTINGS));

        channel.writeOutbound(new TensorFrame(Frames.gradientHeader(0, 0, 4, 4), body));
        ByteBuf prefixAndHeader = channel.readOutbound();
        ByteBuf sentBody = channel.readOutbound();
        body.setByte(body.readerIndex(), 0x5A);

        // The write holds the body's only remaining reference and sees writes to the caller's memory.
        assertThat(sentBody.getByte(sentBody.readerIndex())).isEqualTo((byte) 0x5A);
        assertThat(body.refCnt()).isEqualTo(1);
        prefixAndHeader.release();
        sentBody.release();
        assertThat(body.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void encoderRefusesAFrameLongerThanTheLimitAndReleasesIt() {
        FrameSettings tight = new FrameSettings(4096 + 64, 64);
        int elements = 1100;
        ByteBuf body = Unpooled.buffer(elements * 4).writeBytes(Frames.randomBytes(elements * 4, 5));
        EmbeddedChannel channel = new EmbeddedChannel(new TensorFrameEncoder(tight));

        assertThatThrownBy(() -> channel.writeOutbound(
                new TensorFrame(Frames.gradientHeader(0, 0, elements, elements), body)))
                .isInstanceOf(EncoderException.class)
                .hasCauseInstanceOf(FrameTooLongException.class)
                .hasMessageContaining("exceeds max-frame-bytes 4160");
        assertThat(Frames.nextOutbound(channel)).isNull();
        assertThat(body.refCnt()).isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void decodedBodyIsASliceOfTheReceivedBufferNotACopy() {
        byte[] wire = Frames.raw(Frames.gradientHeader(0, 0, 2, 2), Frames.randomBytes(8, 6));
        ByteBuf received = Unpooled.buffer(wire.length).writeBytes(wire);
        EmbeddedChannel channel = Frames.decoderChannel();

        channel.writeInbound(received.retain());
        TensorFrame frame = channel.readInbound();
        received.setByte(wire.length - 8, 0x33);

        assertThat(frame.body().getByte(frame.body().readerIndex())).isEqualTo((byte) 0x33);
        assertThat(channel.finish()).isFalse();
        received.release();
        Frames.releaseAll(List.of(frame));
        assertThat(received.refCnt()).isZero();
    }

    @Test
    void framesFromTheChunkerReassembleIntoTheTensor() {
        float[] tensor = new float[1000];
        for (int i = 0; i < tensor.length; i++) {
            tensor[i] = i * 0.25f - 3f;
        }
        TensorChunker chunker = new TensorChunker(new FrameSettings(8192, 1024));
        List<TensorFrame> chunks = chunker.split(Frames.gradientHeader(9, 0, 0, 0), tensor, UnpooledByteBufAllocator.DEFAULT);

        EmbeddedChannel channel = Frames.decoderChannel();
        channel.writeInbound(Unpooled.wrappedBuffer(Frames.encode(chunks.toArray(TensorFrame[]::new))));
        List<TensorFrame> frames = Frames.drainInbound(channel);
        assertThat(channel.finish()).isFalse();

        float[] reassembled = new float[tensor.length];
        for (TensorFrame frame : frames) {
            ByteBuf body = Unpooled.wrappedBuffer(Frames.bodyBytes(frame));
            for (int i = 0; i < frame.header().getChunkLength(); i++) {
                reassembled[(int) frame.header().getChunkOffset() + i] = body.readFloatLE();
            }
        }
        assertThat(frames).hasSize(4);
        assertThat(reassembled).isEqualTo(tensor);
        Frames.releaseAll(frames);
    }
}
