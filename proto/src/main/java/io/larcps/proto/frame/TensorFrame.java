package io.larcps.proto.frame;

import com.google.protobuf.TextFormat;
import io.larcps.proto.data.FrameHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;

/**
 * One data-plane frame: a protobuf header and a body of raw little-endian elements kept outside
 * protobuf so it is never copied. Reference counted through its body, like any Netty
 * {@link io.netty.buffer.ByteBufHolder}: whoever ends up holding the frame releases it once.
 */
public final class TensorFrame extends DefaultByteBufHolder {

    private final FrameHeader header;

    /**
     * Takes over one reference to {@code body}.
     *
     * @throws InvalidFrameException if the header breaks a wire rule or the body length is not
     *     chunk_length * dtype size; the caller then still owns {@code body} and must release it
     */
    public TensorFrame(FrameHeader header, ByteBuf body) {
        super(checked(header, body));
        this.header = header;
    }

    private static ByteBuf checked(FrameHeader header, ByteBuf body) {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(body, "body");
        FrameRules.check(header, body.readableBytes());
        return body;
    }

    public FrameHeader header() {
        return header;
    }

    /** The little-endian elements of the chunk; valid until this frame is released. */
    public ByteBuf body() {
        return content();
    }

    @Override
    public TensorFrame replace(ByteBuf content) {
        return new TensorFrame(header, content);
    }

    @Override
    public TensorFrame copy() {
        return (TensorFrame) super.copy();
    }

    @Override
    public TensorFrame duplicate() {
        return (TensorFrame) super.duplicate();
    }

    @Override
    public TensorFrame retainedDuplicate() {
        return (TensorFrame) super.retainedDuplicate();
    }

    @Override
    public TensorFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public TensorFrame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public TensorFrame touch() {
        super.touch();
        return this;
    }

    @Override
    public TensorFrame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    // The inherited equality looks only at the body; two frames are the same only with the same header too.
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorFrame other && header.equals(other.header) && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * header.hashCode() + super.hashCode();
    }

    @Override
    public String toString() {
        return "TensorFrame{" + TextFormat.printer().emittingSingleLine(true).printToString(header) + ", " + contentToString() + '}';
    }
}
