package io.larcps.server.transport;

import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.frame.TensorFrame;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.CorruptedFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The business end of a data-plane connection: typed frames in, handed to their owner. A peer whose
 * bytes break the framing gets one ERROR frame saying why, then the connection is closed (the decoder
 * cannot resynchronise on a stream it no longer understands).
 */
final class DataPlaneHandler extends SimpleChannelInboundHandler<TensorFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(DataPlaneHandler.class);

    private final FrameRouter router;
    private ChannelFrameSink sink;

    DataPlaneHandler(FrameRouter router) {
        super(TensorFrame.class, false);
        this.router = router;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        sink = new ChannelFrameSink(ctx.channel());
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TensorFrame frame) {
        router.route(frame, sink);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException) {
            ErrorCode code = cause instanceof TooLongFrameException ? ErrorCode.FRAME_TOO_LONG : ErrorCode.MALFORMED_FRAME;
            LOG.warn("closing data-plane connection from {}: {}", ctx.channel().remoteAddress(), cause.getMessage());
            ctx.writeAndFlush(ChannelFrameSink.errorFrame(FrameHeader.getDefaultInstance(), code, cause.getMessage()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            LOG.warn("closing data-plane connection from {} after an error", ctx.channel().remoteAddress(), cause);
            ctx.close();
        }
    }
}
