package io.larcps.server.shard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Float arrays kept from step to step of a lane, per tensor, into which contributions are decoded as
 * their chunks arrive; a step's sum of a tensor forms in the first accepted contribution's array.
 *
 * <p>Kept rather than allocated per step because a fresh array is memory touched for the first time,
 * a page fault per 4 KiB (docs/performance.md). An array goes back to the free list as soon as its
 * contribution has been added to the sum, so a tensor needs one array for the sum plus one per
 * contribution that arrived before a lower rank's was complete, not one per participant. A step's
 * sums are read by the optimizer before the lane's next step starts, which frees every array.
 *
 * <p>Not thread-safe: owned by one shard actor.
 */
final class ContributionArrays {
    private final Map<Integer, List<float[]>> keptByTensor = new HashMap<>();
    private final Map<Integer, ArrayDeque<float[]>> freeByTensor = new HashMap<>();

    /** A new step starts: the previous step's sums have been applied, so every array is free. */
    void startStep() {
        keptByTensor.forEach((tensorId, kept) -> {
            ArrayDeque<float[]> free = freeByTensor.computeIfAbsent(tensorId, id -> new ArrayDeque<>());
            free.clear();
            free.addAll(kept);
        });
    }

    /**
     * An array for a contribution to a tensor: its content is whatever an earlier use left there. A
     * shard's tensor sizes are fixed once it is configured, so every array of a tensor has its size.
     */
    float[] take(int tensorId, int size) {
        float[] array = freeByTensor.computeIfAbsent(tensorId, id -> new ArrayDeque<>()).poll();
        if (array == null) {
            array = new float[size];
            keptByTensor.computeIfAbsent(tensorId, id -> new ArrayList<>()).add(array);
        }
        return array;
    }

    /** A contribution's array is no longer read: the next contribution to the tensor may take it. */
    void giveBack(int tensorId, float[] array) {
        freeByTensor.get(tensorId).push(array);
    }

    /** Arrays kept over all tensors: a gauge for tests and metrics. */
    int kept() {
        return keptByTensor.values().stream().mapToInt(List::size).sum();
    }
}
