package io.larcps.worker.transport;

import io.larcps.proto.data.FrameHeader;
import io.larcps.proto.frame.TensorFrame;

/** What a shard connection reports upward; called on that connection's event loop. */
interface InboundSink {

    /** A WEIGHTS chunk; the frame is released by the caller after this returns. */
    void weights(TensorFrame frame, Endpoint from);

    /** An ERROR frame: the shard rejected something this client sent. */
    void error(FrameHeader header, Endpoint from);

    /** The connection closed or failed; {@code cause} is null for a plain close by the peer. */
    void lost(Endpoint endpoint, Throwable cause);
}
