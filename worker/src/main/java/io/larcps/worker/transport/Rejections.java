package io.larcps.worker.transport;

import io.larcps.proto.data.ErrorCode;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Push rejections that mean the shard will not produce the next weight version from what this
 * worker sent, remembered per step. A push completes once its bytes are in the socket, usually
 * before a shard could refuse them, so without this a pull of version {@code step + 1} started
 * after the refusal would wait for weights that never come.
 *
 * <p>Refusals after which the shard completes the step anyway (a NaN contribution is left out of
 * the sum, a duplicate or late chunk is ignored, a non-participant is not waited for) do not block
 * the next version and are not remembered: failing the pull for them would stop a healthy worker.
 */
final class Rejections {

    /** Steps remembered; a worker only ever waits on the latest one. */
    private static final int REMEMBERED_STEPS = 64;

    private final ConcurrentSkipListMap<Long, ParameterServerException> byStep = new ConcurrentSkipListMap<>();

    /** Whether the shard, after refusing a push of step s with {@code code}, will never produce version s + 1. */
    static boolean blocksNextVersion(ErrorCode code) {
        return switch (code) {
            case MALFORMED_FRAME, FRAME_TOO_LONG, UNKNOWN_JOB, UNKNOWN_TENSOR, LAYOUT_MISMATCH, FUTURE_STEP, UNKNOWN_SHARD -> true;
            case STALE_STEP, DUPLICATE_PUSH, NON_FINITE_GRADIENT, NOT_A_PARTICIPANT -> false;
            // Codes newer than this build: waiting on an unknown refusal risks a hang, failing does not.
            case ERROR_CODE_UNSPECIFIED, UNRECOGNIZED -> true;
        };
    }

    void record(ParameterServerException rejection) {
        if (!blocksNextVersion(rejection.code())) {
            return;
        }
        byStep.put(rejection.step(), rejection);
        while (byStep.size() > REMEMBERED_STEPS) {
            byStep.pollFirstEntry();
        }
    }

    /** The remembered refusal of step {@code version - 1}, which {@code version} would come from; else null. */
    ParameterServerException blocking(long version) {
        return byStep.get(version - 1);
    }

    /** Forgets the refusal of {@code step}: the worker sends that step again. */
    void forget(long step) {
        byStep.remove(step);
    }
}
