package io.larcps.proto.frame;

import static io.larcps.proto.frame.InvalidFrameException.Problem.BODY_LENGTH_MISMATCH;
import static io.larcps.proto.frame.InvalidFrameException.Problem.CHUNK_OUT_OF_RANGE;
import static io.larcps.proto.frame.InvalidFrameException.Problem.FRAME_LENGTH_TOO_SMALL;
import static io.larcps.proto.frame.InvalidFrameException.Problem.HEADER_LENGTH_OUT_OF_RANGE;
import static io.larcps.proto.frame.InvalidFrameException.Problem.MISSING_ERROR_REPORT;
import static io.larcps.proto.frame.InvalidFrameException.Problem.NEGATIVE_FIELD;
import static io.larcps.proto.frame.InvalidFrameException.Problem.TRUNCATED;
import static io.larcps.proto.frame.InvalidFrameException.Problem.UNPARSEABLE_HEADER;
import static io.larcps.proto.frame.InvalidFrameException.Problem.UNSPECIFIED_DTYPE;
import static io.larcps.proto.frame.InvalidFrameException.Problem.UNSPECIFIED_KIND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every broken input gets a clear exception, no frame, a closed channel and no leaked buffer; a
 * valid frame sent after the broken one is never decoded.
 */
class TensorFrameDecoderErrorTest {

    private static final byte[] VALID = Frames.raw(Frames.gradientHeader(0, 0, 2, 2), Frames.randomBytes(8, 21));

    @BeforeAll
    static void leakDetection() {
        Frames.paranoidLeakDetection();
    }

    @Test
    void oversizedFrameLengthIsRejectedFromTheLengthAlone() {
        int tooLong = Frames.SETTINGS.maxFrameBytes() + 1;
        Throwable thrown = rejected(ByteBuffer.allocate(4).putInt(tooLong).array());

        assertThat(thrown).isInstanceOf(FrameTooLongException.class).isInstanceOf(TooLongFrameException.class)
                .hasMessageContaining("frame length " + tooLong + " exceeds max-frame-bytes "
                        + Frames.SETTINGS.maxFrameBytes());
        assertThat(((FrameTooLongException) thrown).frameLength()).isEqualTo(tooLong);
    }

    @Test
    void negativeFrameLengthIsRejected() {
        assertProblem(rejected(Frames.raw(-1, 0, new byte[0], new byte[0])), FRAME_LENGTH_TOO_SMALL, "frame length -1");
    }

    @Test
    void frameLengthTooSmallForTheHeaderLengthFieldIsRejected() {
        assertProblem(rejected(Frames.raw(3, 0, new byte[0], new byte[0])), FRAME_LENGTH_TOO_SMALL, "frame length 3");
    }

    @Test
    void headerLengthLargerThanTheFrameIsRejected() {
        assertProblem(rejected(Frames.raw(10, 7, new byte[7], new byte[0])), HEADER_LENGTH_OUT_OF_RANGE,
                "header length 7 does not fit in a frame of 10 bytes");
    }

    @Test
    void negativeHeaderLengthIsRejected() {
        assertProblem(rejected(Frames.raw(10, -3, new byte[0], new byte[0])), HEADER_LENGTH_OUT_OF_RANGE,
                "header length -3");
    }

    @Test
    void headerThatIsNotProtobufIsRejected() {
        // 'n' is field 13 with wire type 6, which protobuf does not define.
        byte[] text = "not a protobuf header".getBytes(StandardCharsets.US_ASCII);
        Throwable thrown = rejected(Frames.raw(4 + text.length, text.length, text, new byte[0]));

        assertProblem(thrown, UNPARSEABLE_HEADER, "header bytes are not a FrameHeader");
    }

    @Test
    void headerWithoutKindIsRejected() {
        FrameHeader noKind = Frames.gradientHeader(0, 0, 2, 2).toBuilder().clearKind().build();
        assertProblem(rejected(Frames.raw(noKind, new byte[8])), UNSPECIFIED_KIND, "frame kind 0");
    }

    @Test
    void unspecifiedDtypeIsRejected() {
        FrameHeader noDtype = Frames.gradientHeader(0, 0, 2, 2).toBuilder().setDtype(DType.DTYPE_UNSPECIFIED).build();
        assertProblem(rejected(Frames.raw(noDtype, new byte[8])), UNSPECIFIED_DTYPE, "dtype 0");
    }

    @Test
    void unknownDtypeValueIsRejected() {
        FrameHeader futureDtype = Frames.gradientHeader(0, 0, 2, 2).toBuilder().setDtypeValue(99).build();
        assertProblem(rejected(Frames.raw(futureDtype, new byte[8])), UNSPECIFIED_DTYPE, "dtype 99");
    }

    @Test
    void bodyLengthNotMatchingChunkLengthTimesDtypeSizeIsRejectedBeforeTheBodyArrives() {
        FrameHeader header = Frames.gradientHeader(0, 0, 4, 4);
        byte[] headerBytes = header.toByteArray();
        // The frame announces a 15-byte body; four FLOAT32 elements need 16. Only the header is sent.
        ByteBuf sent = Unpooled.wrappedBuffer(
                Frames.raw(4 + headerBytes.length + 15, headerBytes.length, headerBytes, new byte[0]));
        EmbeddedChannel channel = Frames.decoderChannel();

        assertProblem(catchThrowable(() -> channel.writeInbound(sent)), BODY_LENGTH_MISMATCH,
                "body is 15 bytes but chunk_length 4 x 4 bytes (FLOAT32) needs 16");
        assertThat(channel.isOpen()).isFalse();
        assertThat(sent.refCnt()).isZero();
    }

    @Test
    void chunkBeyondElementCountIsRejected() {
        FrameHeader header = Frames.gradientHeader(0, 10, 4, 12);
        assertProblem(rejected(Frames.raw(header, new byte[16])), CHUNK_OUT_OF_RANGE,
                "chunk_offset 10 + chunk_length 4 lies beyond element_count 12");
    }

    @Test
    void negativeCountsAreRejected() {
        FrameHeader header = Frames.gradientHeader(0, 0, 2, 2).toBuilder().setSampleCount(-5).build();
        assertProblem(rejected(Frames.raw(header, new byte[8])), NEGATIVE_FIELD, "sample_count is negative: -5");
    }

    @Test
    void errorFrameWithoutReportOrWithBodyIsRejected() {
        FrameHeader noReport = FrameHeader.newBuilder().setKind(FrameKind.ERROR).setJobId("job-1").build();
        assertProblem(rejected(Frames.raw(noReport, new byte[0])), MISSING_ERROR_REPORT, "without its error report");
        assertProblem(rejected(Frames.raw(Frames.errorHeader(), new byte[3])), BODY_LENGTH_MISMATCH, "has 3 bytes");
    }

    @Test
    void garbageIsRejectedWithoutEverProducingAFrame() {
        for (long seed = 0; seed < 100; seed++) {
            Throwable thrown = rejected(Frames.randomBytes(1024, seed));
            assertThat(thrown).as("seed %d", seed)
                    .isInstanceOfAny(CorruptedFrameException.class, TooLongFrameException.class);
        }
        Throwable http = rejected("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(http).isInstanceOf(FrameTooLongException.class);
    }

    @Test
    void bytesArrivingInLaterReadsAfterAnErrorAreDiscarded() {
        EmbeddedChannel channel = Frames.decoderChannel();
        ByteBuf bad = Unpooled.buffer().writeBytes(Frames.raw(-1, 0, new byte[0], new byte[0]));
        ByteBuf later = Unpooled.buffer().writeBytes(VALID);

        assertThatThrownBy(() -> channel.writeInbound(bad, later)).isInstanceOf(InvalidFrameException.class);

        assertThat(Frames.nextInbound(channel)).isNull();
        assertThat(bad.refCnt()).isZero();
        assertThat(later.refCnt()).isZero();
    }

    @Test
    void handlersAfterTheDecoderSeeTheErrorWhileTheChannelIsStillOpen() {
        List<Boolean> openWhenCaught = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new TensorFrameDecoder(Frames.SETTINGS),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        openWhenCaught.add(ctx.channel().isOpen());
                    }
                });

        channel.writeInbound(Unpooled.buffer().writeInt(-1));

        assertThat(openWhenCaught).containsExactly(true);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void frameLongerThanEverArrivesWaitsQuietlyThenFailsClearlyOnClose() {
        FrameHeader header = Frames.gradientHeader(0, 0, 250, 250);
        byte[] whole = Frames.raw(header, new byte[1000]);
        ByteBuf partial = Unpooled.buffer().writeBytes(whole, 0, 8 + header.getSerializedSize() + 20);
        EmbeddedChannel channel = Frames.decoderChannel();

        channel.writeInbound(partial);
        channel.checkException();
        assertThat(Frames.nextInbound(channel)).isNull();
        assertThat(channel.isOpen()).isTrue();

        Throwable thrown = catchThrowable(channel::finish);
        assertProblem(thrown, TRUNCATED, "connection closed after " + (8 + header.getSerializedSize() + 20)
                + " of the " + whole.length + " bytes of a frame");
        assertThat(partial.refCnt()).isZero();
        assertThat(Frames.nextInbound(channel)).isNull();
    }

    @Test
    void truncatedHeaderFailsClearlyOnClose() {
        FrameHeader header = Frames.gradientHeader(0, 0, 2, 2);
        byte[] whole = Frames.raw(header, new byte[8]);
        ByteBuf partial = Unpooled.buffer().writeBytes(whole, 0, 8 + 3);
        EmbeddedChannel channel = Frames.decoderChannel();

        channel.writeInbound(partial);
        channel.checkException();
        assertThat(Frames.nextInbound(channel)).isNull();

        assertProblem(catchThrowable(channel::finish), TRUNCATED,
                "connection closed after 11 of the " + whole.length + " bytes of a frame");
        assertThat(partial.refCnt()).isZero();
    }

    @Test
    void truncatedLengthFieldFailsClearlyOnClose() {
        EmbeddedChannel channel = Frames.decoderChannel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0}));
        channel.checkException();

        assertProblem(catchThrowable(channel::finish), TRUNCATED, "after 2 of the 4 bytes of a frame-length field");
    }

    /**
     * Feeds {@code bad} immediately followed by a valid frame in one read and checks the common
     * outcome of every framing error; returns the exception for cause-specific assertions.
     */
    private static Throwable rejected(byte[] bad) {
        EmbeddedChannel channel = Frames.decoderChannel();
        ByteBuf input = Unpooled.buffer().writeBytes(bad).writeBytes(VALID);

        Throwable thrown = catchThrowable(() -> channel.writeInbound(input));

        assertThat(thrown).isInstanceOf(DecoderException.class);
        assertThat(Frames.nextInbound(channel)).as("frames decoded after the error").isNull();
        assertThat(channel.isOpen()).as("channel open after the error").isFalse();
        assertThat(input.refCnt()).as("refCnt of the received buffer").isZero();
        assertThat(channel.finish()).isFalse();
        return thrown;
    }

    private static void assertProblem(Throwable thrown, InvalidFrameException.Problem problem, String detail) {
        assertThat(thrown).isInstanceOf(InvalidFrameException.class).hasMessageContaining(detail);
        assertThat(((InvalidFrameException) thrown).problem()).isEqualTo(problem);
    }
}
