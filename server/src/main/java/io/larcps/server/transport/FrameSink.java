package io.larcps.server.transport;

import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.frame.TensorFrame;

/**
 * Where a shard sends frames back to the peer that sent it one: the peer's data-plane connection.
 * Thread-safe: shard actors write from their own threads.
 */
public interface FrameSink {

    /** Sends a frame; takes over one reference to it. */
    void send(TensorFrame frame);

    /** Tells the peer its frame was refused and why; nothing changed on this side. */
    void sendError(FrameHeader refused, ErrorCode code, String message);

    /** The peer, for log lines. */
    String describe();
}
