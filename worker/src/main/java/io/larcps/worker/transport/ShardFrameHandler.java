package io.larcps.worker.transport;

import io.larcps.proto.frame.TensorFrame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The business end of a shard connection's pipeline: hands decoded frames to the client and
 * releases them afterwards (SimpleChannelInboundHandler does), since a held WEIGHTS body pins the
 * received socket buffers it was sliced from.
 */
final class ShardFrameHandler extends SimpleChannelInboundHandler<TensorFrame> {

    private static final Logger log = LoggerFactory.getLogger(ShardFrameHandler.class);

    private final Endpoint endpoint;
    private final InboundSink sink;

    ShardFrameHandler(Endpoint endpoint, InboundSink sink) {
        super(TensorFrame.class);
        this.endpoint = endpoint;
        this.sink = sink;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TensorFrame frame) {
        switch (frame.header().getKind()) {
            case WEIGHTS -> sink.weights(frame, endpoint);
            case ERROR -> sink.error(frame.header(), endpoint);
            default -> log.warn("ignoring a {} frame from {}: shards send workers only WEIGHTS and ERROR frames",
                    frame.header().getKind(), endpoint);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        sink.lost(endpoint, null);
        ctx.fireChannelInactive();
    }

    // Decoding errors arrive here too; the decoder closes the channel itself, a second close is harmless.
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        sink.lost(endpoint, cause);
        ctx.close();
    }
}
