package io.larcps.server.shard;

import java.util.HashMap;
import java.util.Map;

/**
 * Float arrays kept from step to step of a lane, one per participant slot and tensor. Each step's
 * contributions are decoded into them as their chunks arrive, and the step's sum of a tensor forms
 * in the first accepted contribution's array.
 *
 * <p>Kept rather than allocated per step because a fresh array is memory touched for the first time,
 * a page fault per 4 KiB (docs/performance.md). A step's sums are read by the optimizer before the
 * lane's next step starts, so one set per lane is enough. The price is memory: a lane keeps one copy
 * of the shard's tensors per participant.
 *
 * <p>Not thread-safe: owned by one shard actor.
 */
final class ContributionArrays {
    private final Map<Long, float[]> arrays = new HashMap<>();

    /** The array for a slot's contribution to a tensor: its content is whatever an earlier step left there. */
    float[] of(int slot, int tensorId, int size) {
        long key = ((long) slot << Integer.SIZE) | Integer.toUnsignedLong(tensorId);
        float[] array = arrays.get(key);
        if (array == null || array.length != size) {
            array = new float[size];
            arrays.put(key, array);
        }
        return array;
    }
}
