package io.larcps.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.proto.frame.FrameSettings;
import io.larcps.proto.frame.TensorFrame;
import io.larcps.proto.frame.TensorFrameDecoder;
import io.larcps.proto.frame.TensorFrameEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint over a real loopback socket: frames reach the router, broken streams get an error and a close. */
class DataPlaneServerTest {
    private static final FrameSettings FRAMES = new FrameSettings(1 << 20, 64 << 10);
    private final List<FrameHeader> routed = new CopyOnWriteArrayList<>();
    private DataPlaneServer server;

    @BeforeEach
    void start() throws InterruptedException {
        FrameRouter router = (frame, replyTo) -> {
            routed.add(frame.header());
            replyTo.sendError(frame.header(), ErrorCode.UNKNOWN_JOB, "no job " + frame.header().getJobId());
            frame.release();
        };
        server = DataPlaneServer.start(new DataPlaneSettings("127.0.0.1", 0, "127.0.0.1", 1, FRAMES), router);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] encode(TensorFrame frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new TensorFrameEncoder(FRAMES));
        channel.writeOutbound(frame);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuf part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
            bytes.writeBytes(ByteBufUtil.getBytes(part));
            part.release();
        }
        return bytes.toByteArray();
    }

    /** Sends bytes, reads until the server closes (bounded by the socket timeout), decodes what came back. */
    private List<TensorFrame> exchange(byte[] request, boolean halfClose) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.advertisedAddress().getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                received.write(buffer, 0, n);
                if (!halfClose && received.size() > 0) {
                    break;
                }
            }
            EmbeddedChannel decoder = new EmbeddedChannel(new TensorFrameDecoder(FRAMES));
            decoder.writeInbound(Unpooled.wrappedBuffer(received.toByteArray()));
            List<TensorFrame> frames = new ArrayList<>();
            for (TensorFrame frame = decoder.readInbound(); frame != null; frame = decoder.readInbound()) {
                frames.add(frame);
            }
            return frames;
        }
    }

    @Test
    void aWellFormedFrameReachesTheRouterAndItsAnswerComesBack() throws IOException {
        FrameHeader header = FrameHeader.newBuilder().setKind(FrameKind.GRADIENT_PUSH).setJobId("nope").setStep(1)
                .setTensorId(2).setChunkLength(2).setElementCount(2).setDtype(DType.FLOAT32).setSampleCount(4).build();
        List<TensorFrame> answer = exchange(encode(new TensorFrame(header, Unpooled.wrappedBuffer(new byte[8]))), false);
        assertThat(routed).containsExactly(header);
        assertThat(answer).singleElement().satisfies(frame -> {
            assertThat(frame.header().getKind()).isEqualTo(FrameKind.ERROR);
            assertThat(frame.header().getError().getCode()).isEqualTo(ErrorCode.UNKNOWN_JOB);
            assertThat(frame.header().getTensorId()).isEqualTo(2);
        });
    }

    @Test
    void garbageGetsOneMalformedFrameErrorThenTheConnectionCloses() throws IOException {
        byte[] garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        List<TensorFrame> answer = exchange(garbage, true);
        assertThat(routed).isEmpty();
        assertThat(answer).singleElement().satisfies(frame ->
                assertThat(frame.header().getError().getCode()).isIn(ErrorCode.MALFORMED_FRAME, ErrorCode.FRAME_TOO_LONG));
    }

    @Test
    void anOversizedFrameIsRefusedFromItsLengthAlone() throws IOException {
        byte[] oversized = {0x7f, 0, 0, 0, 0, 0, 0, 4};
        List<TensorFrame> answer = exchange(oversized, true);
        assertThat(answer).singleElement().satisfies(frame -> {
            assertThat(frame.header().getError().getCode()).isEqualTo(ErrorCode.FRAME_TOO_LONG);
            assertThat(frame.header().getError().getMessage()).contains(String.valueOf(1 << 20));
        });
        assertThat(routed).isEmpty();
    }
}
