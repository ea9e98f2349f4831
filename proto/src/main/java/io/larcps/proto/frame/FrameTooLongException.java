package io.larcps.proto.frame;

import io.netty.handler.codec.TooLongFrameException;

/**
 * A frame longer than {@code larcps.data-plane.max-frame-bytes}. Rejected from its length field
 * alone, before any of it is buffered, so a garbage or hostile length cannot exhaust memory.
 */
public final class FrameTooLongException extends TooLongFrameException {

    private final long frameLength;
    private final int maxFrameBytes;

    public FrameTooLongException(long frameLength, int maxFrameBytes) {
        super("frame length " + frameLength + " exceeds max-frame-bytes " + maxFrameBytes);
        this.frameLength = frameLength;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The announced frame length: bytes after the frame-length field. */
    public long frameLength() {
        return frameLength;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }
}
