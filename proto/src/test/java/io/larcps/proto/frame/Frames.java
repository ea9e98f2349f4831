package io.larcps.proto.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.ErrorReport;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builders for headers, frames and raw wire bytes shared by the codec tests. */
final class Frames {

    /** Small limits keep the tests fast; 8 MiB still admits the multi-MiB frames. */
    static final FrameSettings SETTINGS = new FrameSettings(8 << 20, 1 << 20);

    private Frames() {
    }

    /** PARANOID tracks every buffer, so a buffer the codec forgets to release is reported. */
    static void paranoidLeakDetection() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    static FrameHeader gradientHeader(int tensorId, long offset, long length, long elementCount) {
        return FrameHeader.newBuilder()
                .setKind(FrameKind.GRADIENT_PUSH)
                .setJobId("job-1")
                .setStep(7)
                .setSenderRank(2)
                .setTensorId(tensorId)
                .setChunkOffset(offset)
                .setChunkLength(length)
                .setDtype(DType.FLOAT32)
                .setElementCount(elementCount)
                .setSampleCount(32)
                .build();
    }

    static FrameHeader errorHeader() {
        return FrameHeader.newBuilder()
                .setKind(FrameKind.ERROR)
                .setJobId("job-1")
                .setStep(7)
                .setError(ErrorReport.newBuilder().setCode(ErrorCode.STALE_STEP).setMessage("step 7 < 9"))
                .build();
    }

    static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A whole-tensor FLOAT32 gradient frame of {@code elements} random elements. */
    static TensorFrame gradient(int tensorId, int elements, long seed) {
        return new TensorFrame(gradientHeader(tensorId, 0, elements, elements),
                Unpooled.buffer(elements * Float.BYTES).writeBytes(randomBytes(elements * Float.BYTES, seed)));
    }

    /** The wire bytes of {@code frames} as the encoder writes them; the frames are consumed. */
    static byte[] encode(TensorFrame... frames) {
        EmbeddedChannel channel = new EmbeddedChannel(new TensorFrameEncoder(SETTINGS));
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (TensorFrame frame : frames) {
            assertThat(channel.writeOutbound(frame)).isTrue();
            for (ByteBuf part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
                wire.writeBytes(ByteBufUtil.getBytes(part));
                part.release();
            }
        }
        assertThat(channel.finish()).isFalse();
        return wire.toByteArray();
    }

    /** Raw frame bytes with caller-chosen (possibly lying) length fields. */
    static byte[] raw(int frameLength, int headerLength, byte[] header, byte[] body) {
        return ByteBuffer.allocate(8 + header.length + body.length)
                .putInt(frameLength).putInt(headerLength).put(header).put(body).array();
    }

    /** A well-formed frame built by hand, independent of the encoder. */
    static byte[] raw(FrameHeader header, byte[] body) {
        byte[] headerBytes = header.toByteArray();
        return raw(4 + headerBytes.length + body.length, headerBytes.length, headerBytes, body);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static EmbeddedChannel decoderChannel() {
        return new EmbeddedChannel(new TensorFrameDecoder(SETTINGS));
    }

    /** The next decoded message, typed as Object so assertions do not depend on the generic inference. */
    static Object nextInbound(EmbeddedChannel channel) {
        return channel.readInbound();
    }

    static Object nextOutbound(EmbeddedChannel channel) {
        return channel.readOutbound();
    }

    static List<TensorFrame> drainInbound(EmbeddedChannel channel) {
        List<TensorFrame> frames = new ArrayList<>();
        for (Object msg = channel.readInbound(); msg != null; msg = channel.readInbound()) {
            frames.add((TensorFrame) msg);
        }
        return frames;
    }

    /** Body bytes in one bulk read: per-byte access on a PARANOID-tracked buffer records a trace each time. */
    static byte[] bodyBytes(TensorFrame frame) {
        return ByteBufUtil.getBytes(frame.body());
    }

    /**
     * Releases every frame, then asserts nothing still holds a body. Bodies may be slices of one
     * received buffer and share its count, so the check waits until all are released; the decoder's
     * channel must be closed first so its cumulation no longer counts.
     */
    static void releaseAll(List<TensorFrame> frames) {
        frames.forEach(TensorFrame::release);
        for (TensorFrame frame : frames) {
            assertThat(frame.refCnt()).as("refCnt of tensor %s after release", frame.header().getTensorId()).isZero();
        }
    }
}
