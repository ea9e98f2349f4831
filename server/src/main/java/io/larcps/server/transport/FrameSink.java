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

    /**
     * Queues a frame to go out with the next {@link #flush()}; takes over one reference to it. Many
     * frames then cost one wake-up of the connection's event loop (and one gathering write on a
     * socket) instead of one each. By default it sends at once.
     */
    default void write(TensorFrame frame) {
        send(frame);
    }

    /** Sends what {@link #write} queued. */
    default void flush() {
    }

    /** Tells the peer its frame was refused and why; nothing changed on this side. */
    void sendError(FrameHeader refused, ErrorCode code, String message);

    /** The peer, for log lines. */
    String describe();
}
