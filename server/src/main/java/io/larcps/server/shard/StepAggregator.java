package io.larcps.server.shard;

import io.larcps.proto.control.DType;
import io.larcps.proto.data.ErrorCode;
import io.larcps.proto.data.FrameHeader;
import io.larcps.server.optim.UpdateKernel;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.TreeMap;

/**
 * Collects one synchronous step's gradient pushes for the tensors of one shard and sums them in rank
 * order, whatever order they arrive in: float addition is not associative, and a fixed order is what
 * makes K workers of batch b give the bits of one process with batch K*b.
 *
 * <p>Each chunk is checked and decoded into an array for its worker's contribution to the tensor
 * ({@link ContributionArrays}) as it arrives, and its network buffer is released at once. Holding the buffers until a lower rank
 * caught up kept tens of MB of receive memory alive per round, which the allocator gave back to the
 * OS and then faulted in again (docs/performance.md). A worker's contribution to a tensor is added
 * once it is complete and every lower rank's has been added. Bad input is refused before it touches
 * a sum: a non-finite chunk poisons that worker's contribution to that tensor, which is then left out
 * of the sum and its sample count.
 *
 * <p>Not thread-safe: owned by one shard actor.
 */
final class StepAggregator {

    /** What became of one offered chunk. */
    sealed interface Outcome {
        record Accepted() implements Outcome {
        }

        record Rejected(ErrorCode code, String message) implements Outcome {
        }
    }

    private static final Outcome ACCEPTED = new Outcome.Accepted();

    private final long step;
    private final int[] participants;
    private final Map<Integer, TensorSum> tensors = new HashMap<>();
    private final Map<Integer, Long> samplesByRank = new HashMap<>();
    private final UpdateKernel kernel;
    private final ContributionArrays arrays;
    private int incompleteTensors;
    private int poisonedContributions;
    private long admittedBytes;

    /**
     * @param participantRanks the step's participants, ascending: the summation order
     * @param tensorSizes element count of each tensor this shard owns, by tensor id
     * @param arrays where contributions are decoded and the sums formed; overwritten, not added to
     */
    StepAggregator(long step, List<Integer> participantRanks, Map<Integer, Integer> tensorSizes, UpdateKernel kernel,
                   ContributionArrays arrays) {
        this.step = step;
        this.participants = participantRanks.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 1; i < participants.length; i++) {
            if (participants[i] <= participants[i - 1]) {
                throw new IllegalArgumentException("participant ranks must be ascending and distinct: " + participantRanks);
            }
        }
        if (participants.length == 0) {
            throw new IllegalArgumentException("a step needs at least one participant");
        }
        this.kernel = kernel;
        this.arrays = arrays;
        arrays.startStep();
        tensorSizes.forEach((id, size) -> tensors.put(id, new TensorSum(id, size, participants.length)));
        this.incompleteTensors = tensors.size();
    }

    long step() {
        return step;
    }

    /** Offers one gradient chunk; takes over one reference to {@code body} and releases it before returning. */
    Outcome offer(FrameHeader header, ByteBuf body) {
        try {
            Outcome admitted = admit(header);
            return admitted == ACCEPTED ? take(header, body) : admitted;
        } finally {
            body.release();
        }
    }

    /** Every check that needs no look at the body; changes nothing. */
    private Outcome admit(FrameHeader header) {
        if (header.getStep() != step) {
            return rejected(header.getStep() < step ? ErrorCode.STALE_STEP : ErrorCode.FUTURE_STEP,
                    "push for step " + header.getStep() + " while the shard is collecting step " + step);
        }
        int rankIndex = Arrays.binarySearch(participants, header.getSenderRank());
        if (rankIndex < 0) {
            return rejected(ErrorCode.NOT_A_PARTICIPANT, "rank " + header.getSenderRank()
                    + " is not a participant of step " + step + " (participants " + Arrays.toString(participants) + ")");
        }
        TensorSum tensor = tensors.get(header.getTensorId());
        if (tensor == null) {
            return rejected(ErrorCode.UNKNOWN_TENSOR, "tensor " + header.getTensorId() + " is not owned by this shard");
        }
        if (header.getDtype() != DType.FLOAT32 || header.getElementCount() != tensor.size) {
            return rejected(ErrorCode.LAYOUT_MISMATCH, "tensor " + header.getTensorId() + " is FLOAT32 of "
                    + tensor.size + " elements; the push says " + header.getDtype() + " of " + header.getElementCount());
        }
        Long samples = samplesByRank.get(header.getSenderRank());
        if (header.getSampleCount() < 0 || (samples != null && samples != header.getSampleCount())) {
            return rejected(ErrorCode.MALFORMED_FRAME, "rank " + header.getSenderRank() + " reports "
                    + header.getSampleCount() + " samples for step " + step
                    + (samples == null ? "" : " after reporting " + samples));
        }
        return tensor.contribution(rankIndex).overlap(header.getChunkOffset(), header.getChunkLength(), header.getTensorId());
    }

    /** Checks and decodes an admitted chunk; the caller releases {@code body}. */
    private Outcome take(FrameHeader header, ByteBuf body) {
        TensorSum tensor = tensors.get(header.getTensorId());
        int rankIndex = Arrays.binarySearch(participants, header.getSenderRank());
        Contribution contribution = tensor.contribution(rankIndex);
        contribution.cover(header.getChunkOffset(), header.getChunkLength());
        samplesByRank.put(header.getSenderRank(), header.getSampleCount());
        contribution.sampleCount = header.getSampleCount();
        admittedBytes += body.readableBytes();
        boolean finite;
        if (contribution.poisoned) {
            // Left out of the sum already; only the verdict for the sender is wanted.
            finite = LittleEndianFloats.allFinite(body, kernel);
        } else {
            if (contribution.values == null) {
                contribution.values = arrays.take(tensor.id, tensor.size);
            }
            finite = LittleEndianFloats.copyIfFinite(body, contribution.values, Math.toIntExact(header.getChunkOffset()),
                    kernel);
        }
        if (!finite && !contribution.poisoned) {
            contribution.poisoned = true;
            poisonedContributions++;
            if (contribution.values != null) {
                arrays.giveBack(tensor.id, contribution.values);
                contribution.values = null;
            }
        }
        if (contribution.isComplete()) {
            tensor.drainInRankOrder();
        }
        return finite ? ACCEPTED : new Outcome.Rejected(ErrorCode.NON_FINITE_GRADIENT, "rank "
                + header.getSenderRank() + "'s gradient for tensor " + header.getTensorId() + " at step " + step
                + " holds NaN or infinity: its contribution to that tensor is left out of the step");
    }

    private static Outcome rejected(ErrorCode code, String message) {
        return new Outcome.Rejected(code, message);
    }

    boolean isComplete() {
        return incompleteTensors == 0;
    }

    /** The summed gradient of a tensor; valid once {@link #isComplete()}. Null when no sample was accepted. */
    float[] sum(int tensorId) {
        TensorSum tensor = tensors.get(tensorId);
        return tensor.samples == 0 ? null : tensor.sum;
    }

    /**
     * A tensor's sum whatever the sample counts, for values that are not gradients (initial weights);
     * zeros where nothing was accepted.
     */
    float[] total(int tensorId) {
        TensorSum tensor = tensors.get(tensorId);
        return tensor.sum == null ? new float[tensor.size] : tensor.sum;
    }

    /** Samples behind a tensor's sum: the divisor that turns it into a mean. */
    long samples(int tensorId) {
        return tensors.get(tensorId).samples;
    }

    /** Body bytes of every chunk that passed the header checks, finite or not: what the step took in. */
    long admittedBytes() {
        return admittedBytes;
    }

    /** Contributions left out of the step because they held NaN or infinity. */
    int poisonedContributions() {
        return poisonedContributions;
    }

    /** One tensor's running sum and the contributions waiting for their turn. */
    private final class TensorSum {
        final int id;
        final int size;
        final Contribution[] byRank;
        float[] sum;
        long samples;
        int nextRankIndex;
        boolean summed;

        TensorSum(int id, int size, int participantCount) {
            this.id = id;
            this.size = size;
            this.byRank = new Contribution[participantCount];
        }

        Contribution contribution(int rankIndex) {
            if (byRank[rankIndex] == null) {
                byRank[rankIndex] = new Contribution(size);
            }
            return byRank[rankIndex];
        }

        void drainInRankOrder() {
            while (nextRankIndex < byRank.length && byRank[nextRankIndex] != null && byRank[nextRankIndex].isComplete()) {
                Contribution next = byRank[nextRankIndex];
                if (!next.poisoned) {
                    // The first accepted contribution becomes the sum where it lies; no copy, no zeros.
                    if (sum == null) {
                        sum = next.values;
                    } else {
                        addInto(next.values, sum);
                        arrays.giveBack(id, next.values);
                    }
                    next.values = null;
                    samples += next.sampleCount;
                }
                nextRankIndex++;
            }
            if (nextRankIndex == byRank.length && !summed) {
                summed = true;
                incompleteTensors--;
            }
        }

        private static void addInto(float[] addend, float[] sum) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += addend[i];
            }
        }
    }

    /** What one worker sent of one tensor; covered ranges are tracked to refuse duplicates and overlaps. */
    private static final class Contribution {
        final int size;
        final TreeMap<Long, Long> covered = new TreeMap<>();
        long received;
        long sampleCount;
        boolean poisoned;
        /** Where its chunks are decoded; taken with the first accepted chunk, given back once summed. */
        float[] values;

        Contribution(int size) {
            this.size = size;
        }

        boolean isComplete() {
            return received == size;
        }

        /** ACCEPTED when {@code [offset, offset + length)} is new, fits and is not empty; nothing is recorded. */
        Outcome overlap(long offset, long length, int tensorId) {
            // Only an empty tensor has an empty chunk: one anywhere else covers nothing, and after the
            // last real chunk it would complete the contribution a second time.
            if (length == 0 && size > 0) {
                return new Outcome.Rejected(ErrorCode.MALFORMED_FRAME, "empty chunk at element " + offset
                        + " of tensor " + tensorId + ", which has " + size + " elements");
            }
            Long sameStart = covered.get(offset);
            if (sameStart != null && sameStart == length) {
                return new Outcome.Rejected(ErrorCode.DUPLICATE_PUSH, "chunk at element " + offset + " of tensor "
                        + tensorId + " was already received for this step; the copy is ignored");
            }
            Entry<Long, Long> before = covered.floorEntry(offset);
            Entry<Long, Long> after = covered.ceilingEntry(offset);
            boolean overlapsBefore = before != null && before.getKey() + before.getValue() > offset;
            boolean overlapsAfter = after != null && after.getKey() < offset + length;
            if (overlapsBefore || overlapsAfter || offset + length > size) {
                return new Outcome.Rejected(ErrorCode.MALFORMED_FRAME, "chunk [" + offset + ", " + (offset + length)
                        + ") of tensor " + tensorId + " overlaps a chunk already received or ends past " + size);
            }
            return ACCEPTED;
        }

        void cover(long offset, long length) {
            covered.put(offset, length);
            received += length;
        }
    }
}
