package io.larcps.worker.transport;

import io.larcps.proto.data.ErrorCode;

/**
 * A parameter shard rejected this worker's input with an ERROR frame. Carries the shard's reason
 * as an {@link ErrorCode} so the caller can react per cause (a stale step is not a layout bug)
 * without parsing the text; no weight changed on the shard.
 */
public final class ParameterServerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** {@link #shard()} when the endpoint hosts several shards and the frame did not say which one. */
    public static final int UNKNOWN_SHARD = -1;

    private final ErrorCode code;
    private final int shard;
    private final long step;
    private final String serverMessage;
    private final transient Endpoint endpoint;

    public ParameterServerException(ErrorCode code, int shard, long step, Endpoint endpoint, String serverMessage) {
        super((shard == UNKNOWN_SHARD ? "a shard" : "shard " + shard) + " at " + endpoint + " rejected step " + step
                + ": " + code + ": " + serverMessage);
        this.code = code;
        this.shard = shard;
        this.step = step;
        this.serverMessage = serverMessage;
        this.endpoint = endpoint;
    }

    public ErrorCode code() {
        return code;
    }

    /** The rejecting shard, or {@link #UNKNOWN_SHARD}. */
    public int shard() {
        return shard;
    }

    /** The step (or, for a rejected pull, the weight version) of the rejected frame. */
    public long step() {
        return step;
    }

    /** The data-plane server that sent the ERROR frame. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** The shard's own explanation, as sent. */
    public String serverMessage() {
        return serverMessage;
    }
}
