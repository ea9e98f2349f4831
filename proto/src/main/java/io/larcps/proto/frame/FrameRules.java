package io.larcps.proto.frame;

import static io.larcps.proto.frame.InvalidFrameException.Problem.BODY_LENGTH_MISMATCH;
import static io.larcps.proto.frame.InvalidFrameException.Problem.CHUNK_OUT_OF_RANGE;
import static io.larcps.proto.frame.InvalidFrameException.Problem.MISSING_ERROR_REPORT;
import static io.larcps.proto.frame.InvalidFrameException.Problem.NEGATIVE_FIELD;
import static io.larcps.proto.frame.InvalidFrameException.Problem.UNSPECIFIED_DTYPE;
import static io.larcps.proto.frame.InvalidFrameException.Problem.UNSPECIFIED_KIND;

import io.larcps.proto.data.FrameHeader;

/**
 * The consistency rules between a {@link FrameHeader} and its body, in one place so the decoder
 * (before buffering the body) and {@link TensorFrame} (for locally built frames) agree. Semantic
 * checks that need the job's state (layout, current step) belong to the receiver, not here.
 */
final class FrameRules {

    private FrameRules() {
    }

    /** @throws InvalidFrameException naming the first rule {@code header} breaks for a body of {@code bodyBytes} */
    static void check(FrameHeader header, long bodyBytes) {
        switch (header.getKind()) {
            case GRADIENT_PUSH, WEIGHTS, INITIAL_WEIGHTS -> checkTensorChunk(header, bodyBytes);
            case PULL_WEIGHTS -> checkPull(header, bodyBytes);
            case ERROR -> checkError(header, bodyBytes);
            default -> throw new InvalidFrameException(UNSPECIFIED_KIND,
                    "frame kind " + header.getKindValue() + " is unspecified or unknown");
        }
    }

    private static void checkTensorChunk(FrameHeader header, long bodyBytes) {
        if (!DTypes.isKnown(header.getDtype())) {
            throw new InvalidFrameException(UNSPECIFIED_DTYPE,
                    "dtype " + header.getDtypeValue() + " is unspecified or unknown");
        }
        requireNonNegative("step", header.getStep());
        requireNonNegative("sender_rank", header.getSenderRank());
        requireNonNegative("tensor_id", header.getTensorId());
        requireNonNegative("chunk_offset", header.getChunkOffset());
        requireNonNegative("chunk_length", header.getChunkLength());
        requireNonNegative("element_count", header.getElementCount());
        requireNonNegative("sample_count", header.getSampleCount());
        long offset = header.getChunkOffset();
        long length = header.getChunkLength();
        // Written as a subtraction: both operands are non-negative, so nothing can overflow.
        if (offset > header.getElementCount() || length > header.getElementCount() - offset) {
            throw new InvalidFrameException(CHUNK_OUT_OF_RANGE, "chunk_offset " + offset + " + chunk_length "
                    + length + " lies beyond element_count " + header.getElementCount());
        }
        int elementBytes = DTypes.byteSize(header.getDtype());
        if (length > Long.MAX_VALUE / elementBytes || length * elementBytes != bodyBytes) {
            throw new InvalidFrameException(BODY_LENGTH_MISMATCH, "body is " + bodyBytes + " bytes but chunk_length "
                    + length + " x " + elementBytes + " bytes (" + header.getDtype() + ") needs "
                    + (length > Long.MAX_VALUE / elementBytes ? "more than 2^63" : length * elementBytes));
        }
    }

    private static void checkPull(FrameHeader header, long bodyBytes) {
        if (bodyBytes != 0) {
            throw new InvalidFrameException(BODY_LENGTH_MISMATCH,
                    "PULL_WEIGHTS frames carry no body, this one has " + bodyBytes + " bytes");
        }
        requireNonNegative("step", header.getStep());
        requireNonNegative("sender_rank", header.getSenderRank());
        requireNonNegative("shard", header.getShard());
    }

    private static void checkError(FrameHeader header, long bodyBytes) {
        if (bodyBytes != 0) {
            throw new InvalidFrameException(BODY_LENGTH_MISMATCH,
                    "ERROR frames carry no body, this one has " + bodyBytes + " bytes");
        }
        if (!header.hasError()) {
            throw new InvalidFrameException(MISSING_ERROR_REPORT, "ERROR frame without its error report");
        }
    }

    private static void requireNonNegative(String field, long value) {
        if (value < 0) {
            throw new InvalidFrameException(NEGATIVE_FIELD, field + " is negative: " + value);
        }
    }
}
