package io.larcps.server.transport;

import io.larcps.proto.frame.TensorFrame;

/** Hands a decoded frame to whoever owns its tensor; implemented by the shard side. */
@FunctionalInterface
public interface FrameRouter {

    /**
     * Takes over one reference to {@code frame}. Refusals go back through {@code replyTo}; the router
     * never throws for bad input.
     */
    void route(TensorFrame frame, FrameSink replyTo);
}
