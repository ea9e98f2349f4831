package io.larcps.proto.frame;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A data-plane frame that breaks the wire contract. The {@link Problem} lets the transport map the
 * failure to an {@code ErrorReport} and lets tests assert the exact cause; the message names the
 * offending values for the operator.
 */
public final class InvalidFrameException extends CorruptedFrameException {

    /** What is wrong with the frame. */
    public enum Problem {
        /** The frame-length field is negative or too small to hold the header-length field. */
        FRAME_LENGTH_TOO_SMALL,
        /** The header-length field is negative or larger than the rest of the frame. */
        HEADER_LENGTH_OUT_OF_RANGE,
        /** The header bytes are not a protobuf {@code FrameHeader}. */
        UNPARSEABLE_HEADER,
        /** The header's kind is unset or unknown to this build. */
        UNSPECIFIED_KIND,
        /** A tensor frame's dtype is unset or unknown to this build. */
        UNSPECIFIED_DTYPE,
        /** A count, offset or id that cannot be negative is negative. */
        NEGATIVE_FIELD,
        /** The chunk [chunk_offset, chunk_offset + chunk_length) does not lie within element_count. */
        CHUNK_OUT_OF_RANGE,
        /** The body length is not chunk_length * dtype size (or not empty for an ERROR frame). */
        BODY_LENGTH_MISMATCH,
        /** An ERROR frame without its ErrorReport. */
        MISSING_ERROR_REPORT,
        /** The connection closed in the middle of a frame. */
        TRUNCATED
    }

    private final Problem problem;

    public InvalidFrameException(Problem problem, String detail) {
        super(problem + ": " + detail);
        this.problem = problem;
    }

    public InvalidFrameException(Problem problem, String detail, Throwable cause) {
        super(problem + ": " + detail, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
