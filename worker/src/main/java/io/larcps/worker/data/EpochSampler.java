package io.larcps.worker.data;

import io.larcps.proto.control.StepPlan;
import java.util.SplittableRandom;

/**
 * The seeded per-epoch permutation every participant agrees on. A step's global batch is the slice
 * {@code [sample_offset, sample_offset + global_batch)} of its epoch's permutation, and participant i
 * takes the i-th equal part of it: no sample is lost or repeated within an epoch, whoever takes part.
 */
public final class EpochSampler {
    private final int datasetSize;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] cachedPermutation;

    public EpochSampler(int datasetSize, long seed) {
        if (datasetSize <= 0) {
            throw new IllegalArgumentException("datasetSize must be > 0, got " + datasetSize);
        }
        this.datasetSize = datasetSize;
        this.seed = seed;
    }

    /** The permutation of sample indices for one epoch (Fisher-Yates on a seeded generator). */
    public int[] permutation(long epoch) {
        if (epoch != cachedEpoch) {
            int[] order = new int[datasetSize];
            for (int i = 0; i < datasetSize; i++) {
                order[i] = i;
            }
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
            for (int i = datasetSize - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            cachedPermutation = order;
            cachedEpoch = epoch;
        }
        return cachedPermutation;
    }

    /** The sample indices participant {@code participantIndex} trains on in this step. */
    public int[] slice(StepPlan plan, int participantIndex) {
        int participants = plan.getParticipantRanksCount();
        if (participantIndex < 0 || participantIndex >= participants) {
            throw new IllegalArgumentException("participant " + participantIndex + " of " + participants);
        }
        if (plan.getGlobalBatch() % participants != 0) {
            throw new IllegalArgumentException("global batch " + plan.getGlobalBatch() + " does not split over "
                    + participants + " participants");
        }
        int part = plan.getGlobalBatch() / participants;
        long start = plan.getSampleOffset() + (long) participantIndex * part;
        if (start + part > datasetSize) {
            throw new IllegalArgumentException("step " + plan.getStep() + " reaches sample " + (start + part)
                    + " of an epoch of " + datasetSize);
        }
        int[] slice = new int[part];
        System.arraycopy(permutation(plan.getEpoch()), (int) start, slice, 0, part);
        return slice;
    }
}
