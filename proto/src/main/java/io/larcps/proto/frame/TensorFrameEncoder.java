package io.larcps.proto.frame;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes a {@link TensorFrame} as {@code [int32 frame length][int32 header length][FrameHeader][body]}
 * (int32s big-endian; frame length counts every byte after its own field).
 *
 * <p>Only the few prefix and header bytes are written into a new buffer; the body goes out as a
 * second write of the caller's buffer, so multi-MiB tensors are never copied (a
 * {@code MessageToByteEncoder} would have to copy them). A frame longer than max-frame-bytes fails
 * here, on the sender, rather than being cut off by the receiver.
 */
public final class TensorFrameEncoder extends MessageToMessageEncoder<TensorFrame> {

    private final int maxFrameBytes;

    public TensorFrameEncoder(FrameSettings settings) {
        super(TensorFrame.class);
        this.maxFrameBytes = settings.maxFrameBytes();
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, TensorFrame frame, List<Object> out) {
        // The header is tens of bytes, so serialising it into an array first costs nothing measurable.
        byte[] header = frame.header().toByteArray();
        ByteBuf body = frame.body();
        long frameLength = (long) Integer.BYTES + header.length + body.readableBytes();
        if (frameLength > maxFrameBytes) {
            throw new FrameTooLongException(frameLength, maxFrameBytes);
        }
        ByteBuf prefix = ctx.alloc().ioBuffer(2 * Integer.BYTES + header.length);
        prefix.writeInt((int) frameLength).writeInt(header.length).writeBytes(header);
        out.add(prefix);
        if (body.isReadable()) {
            // The encoder releases the frame after encode(); the extra reference travels with the write.
            out.add(body.retainedSlice());
        }
    }
}
