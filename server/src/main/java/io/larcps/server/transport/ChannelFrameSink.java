package io.larcps.server.transport;

import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.ErrorReport;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.data.FrameKind;
import io.larcps.proto.frame.TensorFrame;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link FrameSink} over a Netty channel; frames to a closed channel are released, not lost silently. */
final class ChannelFrameSink implements FrameSink {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelFrameSink.class);

    private final Channel channel;

    ChannelFrameSink(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void send(TensorFrame frame) {
        channel.writeAndFlush(frame).addListener(future -> logFailure(frame, future));
    }

    @Override
    public void write(TensorFrame frame) {
        channel.write(frame).addListener(future -> logFailure(frame, future));
    }

    @Override
    public void flush() {
        channel.flush();
    }

    private void logFailure(TensorFrame frame, Future<?> future) {
        if (!future.isSuccess()) {
            LOG.warn("could not send {} for tensor {} to {}: {}", frame.header().getKind(),
                    frame.header().getTensorId(), describe(), future.cause().toString());
        }
    }

    @Override
    public void sendError(FrameHeader refused, ErrorCode code, String message) {
        LOG.warn("refused {} from {} (job {}, rank {}, step {}, tensor {}): {} {}", refused.getKind(), describe(),
                refused.getJobId(), refused.getSenderRank(), refused.getStep(), refused.getTensorId(), code, message);
        send(errorFrame(refused, code, message));
    }

    static TensorFrame errorFrame(FrameHeader refused, ErrorCode code, String message) {
        FrameHeader header = FrameHeader.newBuilder()
                .setKind(FrameKind.ERROR)
                .setJobId(refused.getJobId())
                .setStep(refused.getStep())
                .setSenderRank(refused.getSenderRank())
                .setTensorId(refused.getTensorId())
                .setShard(refused.getShard())
                .setError(ErrorReport.newBuilder().setCode(code).setMessage(message))
                .build();
        return new TensorFrame(header, Unpooled.EMPTY_BUFFER);
    }

    @Override
    public String describe() {
        return String.valueOf(channel.remoteAddress());
    }
}
