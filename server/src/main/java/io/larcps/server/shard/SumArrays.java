package io.larcps.server.shard;

import java.util.HashMap;
import java.util.Map;

/**
 * One float array per tensor, kept from step to step of a lane, into which each step's gradient sums
 * are written. A fresh array per tensor per step is memory touched for the first time, which costs a
 * page fault per 4 KiB (docs/performance.md); reused, it costs nothing. A step's sums are read by the
 * optimizer before the lane's next step starts, so one set per lane is enough.
 *
 * <p>Not thread-safe: owned by one shard actor.
 */
final class SumArrays {
    private final Map<Integer, float[]> arrays = new HashMap<>();

    /** The array for a tensor: its content is whatever the previous step left there. */
    float[] of(int tensorId, int size) {
        float[] array = arrays.get(tensorId);
        if (array == null || array.length != size) {
            array = new float[size];
            arrays.put(tensorId, array);
        }
        return array;
    }
}
